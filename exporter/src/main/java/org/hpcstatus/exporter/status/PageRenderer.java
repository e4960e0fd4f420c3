package org.hpcstatus.exporter.status;

import static org.hpcstatus.exporter.status.Html.esc;

import java.time.Instant;
import java.util.List;
import org.hpcstatus.exporter.status.StatusView.Level;

/**
 * The status page: a server-rendered document that is complete without JavaScript. The script (a few
 * lines, inline) only reveals the cluster tabs and swaps in the {@code <main>} content pushed over
 * {@code /api/v1/events}. No external assets; colours come with text and icons; dark mode follows
 * {@code prefers-color-scheme}.
 */
final class PageRenderer {
  private PageRenderer() {}

  static final String CSS = """
      :root{--bg:#fff;--fg:#1b1f23;--mut:#5a6470;--card:#f5f7f9;--line:#d5dae0;--ok:#1a7f37;--warn:#9a6700;\
      --bad:#c62828;--unk:#6e7781;--maint:#1f5fbf;--okb:#2da44e;--warnb:#d4a72c;--badb:#e5534b;--nb:#c9cfd6}
      @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mut:#9ba6b2;--card:#161b22;--line:#30363d;\
      --ok:#3fb950;--warn:#d29922;--bad:#f85149;--unk:#8b949e;--maint:#58a6ff;--nb:#30363d}}
      *{box-sizing:border-box}[hidden]{display:none!important}body{margin:0 auto;max-width:72rem;padding:0 1rem 2rem;background:var(--bg);color:var(--fg);\
      font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
      a{color:var(--maint)}h1{font-size:1.6rem;margin:1rem 0 .2rem}h2{font-size:1.3rem;margin:1.6rem 0 .4rem}\
      h3{font-size:1.05rem;margin:.2rem 0}small,.muted{color:var(--mut)}
      .skip{position:absolute;left:-99rem}.skip:focus{left:1rem;top:.5rem;background:var(--bg);padding:.3rem}
      :focus-visible{outline:3px solid var(--maint);outline-offset:2px}
      .banner{border-radius:.5rem;padding:.8rem 1rem;color:#fff;background:var(--ok)}\
      .banner h2{margin:0;font-size:1.35rem}.banner p{margin:.2rem 0 0}
      .lvl-maintenance{background:var(--maint)}.lvl-degraded{background:var(--warn)}\
      .lvl-partial{background:#bc4c00}.lvl-major{background:var(--bad)}
      .ic{display:inline-block;width:1.3em;text-align:center;font-weight:700}
      .age{margin:.1rem 0 .6rem;font-size:.9rem;color:var(--mut)}.age-stale{color:var(--warn);font-weight:600}\
      .age-old,.age-never{color:var(--bad);font-weight:600}
      .grid{list-style:none;padding:0;margin:0;display:grid;gap:.7rem;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr))}
      .tile,.panel{background:var(--card);border:1px solid var(--line);border-left:.4rem solid var(--unk);\
      border-radius:.4rem;padding:.6rem .8rem}.tile p{margin:.2rem 0}
      .st-up{border-left-color:var(--ok)}.st-degraded{border-left-color:var(--warn)}.st-down{border-left-color:var(--bad)}
      .tile .state{font-weight:600}.st-up .state,dd.st-up{color:var(--ok)}.st-degraded .state,dd.st-degraded{color:var(--warn)}\
      .st-down .state,dd.st-down{color:var(--bad)}.st-unknown .state{color:var(--unk)}
      .reason{font-size:.9rem;overflow-wrap:anywhere}.note{font-size:.9rem;font-weight:600;color:var(--maint)}
      .bar90{display:flex;gap:1px;height:1.6rem;margin:.4rem 0 .1rem}.bar90 i{flex:1;border-radius:1px;background:var(--nb)}\
      .bar90 .ok{background:var(--okb)}.bar90 .mi{background:var(--warnb)}.bar90 .ma{background:var(--badb)}
      .upt{font-size:.85rem;color:var(--mut)}
      .tabs{display:flex;gap:.3rem;flex-wrap:wrap;margin:.3rem 0}.tabs button{font:inherit;padding:.35rem .8rem;\
      border:1px solid var(--line);border-radius:.4rem .4rem 0 0;background:var(--card);color:var(--fg);cursor:pointer}\
      .tabs [aria-selected=true]{border-bottom:3px solid var(--maint);font-weight:700}
      .panel{margin-bottom:1rem}.kv{display:flex;flex-wrap:wrap;gap:.3rem 2rem;margin:.3rem 0}.kv dt{font-size:.85rem;\
      color:var(--mut)}.kv dd{margin:0;font-weight:600}
      .chips{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}.chips li{border:1px solid var(--line);\
      border-radius:1rem;padding:0 .6rem;font-size:.9rem}
      .allocs{display:grid;gap:.4rem;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));margin:.4rem 0}\
      .alloc span{font-size:.9rem}.meter{height:.7rem;background:var(--nb);border-radius:.35rem;overflow:hidden}\
      .meter i{display:block;height:100%;background:var(--maint)}
      .scroll{overflow-x:auto}table{border-collapse:collapse;margin:.6rem 0;min-width:100%}caption{text-align:left;\
      font-weight:600;padding:.2rem 0}th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid var(--line);\
      white-space:nowrap}
      .outage{background:var(--card);border:1px solid var(--line);border-left:.4rem solid var(--maint);border-radius:.4rem;\
      padding:.5rem .8rem;margin:.5rem 0}.outage h4{margin:0}.sev-degraded{border-left-color:var(--warn)}\
      .sev-partial{border-left-color:#bc4c00}.sev-major{border-left-color:var(--bad)}.outage ol{margin:.3rem 0;padding-left:1.2rem}
      .err{color:var(--bad);font-weight:600}.live{font-size:.85rem;color:var(--mut);margin:0}
      footer{margin-top:2rem;font-size:.9rem;color:var(--mut)}
      """;

  static final String JS = """
      (function(){var m=document.getElementById('status'),c=document.getElementById('conn'),sel=null,st='';
      function tabs(){var l=m.querySelector('[role=tablist]');if(!l)return;var bs=l.querySelectorAll('[role=tab]');
      if(!bs.length)return;var ok=false;bs.forEach(function(b){if(b.dataset.c===sel)ok=true});if(!ok)sel=bs[0].dataset.c;
      bs.forEach(function(b){var on=b.dataset.c===sel,p=document.getElementById('panel-'+b.dataset.c);
      b.setAttribute('aria-selected',on);b.tabIndex=on?0:-1;if(p)p.hidden=!on});l.hidden=false}
      m.addEventListener('click',function(e){var b=e.target.closest('[role=tab]');if(b){sel=b.dataset.c;tabs();b.focus()}});
      m.addEventListener('keydown',function(e){var b=e.target.closest('[role=tab]');if(!b||(e.key!=='ArrowRight'&&e.key!=='ArrowLeft'))return;
      var bs=[].slice.call(b.parentNode.querySelectorAll('[role=tab]')),i=bs.indexOf(b);
      i=(i+(e.key==='ArrowRight'?1:bs.length-1))%bs.length;sel=bs[i].dataset.c;tabs();bs[i].focus();e.preventDefault()});
      function say(t){if(st!==t){st=t;c.textContent=t}}
      tabs();if(!window.EventSource)return;
      function connect(){var es=new EventSource('api/v1/events');
      es.addEventListener('status',function(e){var d=JSON.parse(e.data),a=document.activeElement,f=a&&a.id;
      m.innerHTML=d.html;document.title=d.title;tabs();if(f&&m.contains(document.getElementById(f)))document.getElementById(f).focus();
      say('Live: updates arrive as they happen');document.body.dataset.seq=d.seq});
      es.onerror=function(){say('Connection lost: reconnecting…');if(es.readyState===2)setTimeout(connect,5000)}}
      connect()})();
      """;

  static String title(StatusView v) {
    return "Status: " + v.overall().text;
  }

  static String page(StatusView v, String mainHtml) {
    StringBuilder b = new StringBuilder(mainHtml.length() + 12_000);
    b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        + "<meta name=\"color-scheme\" content=\"light dark\"><title>").append(esc(title(v)))
        .append("</title><link rel=\"alternate\" type=\"application/atom+xml\" href=\"feed.atom\" "
            + "title=\"Incidents and maintenance\"><style>").append(CSS).append("</style></head><body>")
        .append("<a class=\"skip\" href=\"#services\">Skip to services</a><header><h1>System status</h1>")
        .append("<p class=\"live\"><span id=\"conn\" aria-live=\"polite\">Showing the state at ")
        .append(Html.time(v.now())).append(" (reload for newer)</span></p></header><main id=\"status\">")
        .append(mainHtml).append("</main><footer><p>Machine-readable: <a href=\"api/v1/status\">JSON</a> · "
            + "<a href=\"feed.atom\">Atom feed of incidents and maintenance</a> · <a href=\"metrics\">Prometheus "
            + "metrics</a></p></footer><script>").append(JS).append("</script></body></html>");
    return b.toString();
  }

  /** The content of {@code <main>}: what the live stream replaces every second. */
  static String main(StatusView v) {
    StringBuilder b = new StringBuilder(16_384);
    banner(b, v);
    ClusterRenderer.render(b, v);
    ServicesRenderer.render(b, v);
    outages(b, v);
    return b.toString();
  }

  private static void banner(StringBuilder b, StatusView v) {
    Level l = v.overall();
    String icon = switch (l) {
      case OPERATIONAL -> "✓";
      case MAINTENANCE -> "⚙";
      case DEGRADED -> "!";
      default -> "✕";
    };
    long down = v.services().stream().filter(s -> s.service().state() == StatusSnapshot.State.DOWN).count();
    long degraded = v.services().stream().filter(s -> s.service().state() == StatusSnapshot.State.DEGRADED).count();
    b.append("<section class=\"banner lvl-").append(l.label).append("\" id=\"banner\" data-level=\"").append(l.label)
        .append("\" aria-labelledby=\"overall\"><h2 id=\"overall\"><span class=\"ic\" aria-hidden=\"true\">")
        .append(icon).append("</span> ").append(l.text).append("</h2><p>").append(v.services().size())
        .append(v.services().size() == 1 ? " service: " : " services: ").append(down).append(" down, ").append(degraded).append(" degraded · ")
        .append(v.active().size()).append(v.active().size() == 1 ? " incident or maintenance" : " incidents or maintenance")
        .append(" in progress · ")
        .append(Html.time(v.now())).append("</p></section>");
  }

  private static void outages(StringBuilder b, StatusView v) {
    b.append("<section id=\"outages\" aria-labelledby=\"h-outages\"><h2 id=\"h-outages\">Incidents and maintenance</h2>");
    if (v.outagesFileError() != null) {
      b.append("<p class=\"err\">The outages file has an error (its previous content is shown): ")
          .append(esc(v.outagesFileError())).append("</p>");
    }
    list(b, v, "In progress", "active", v.active(), "Nothing in progress.");
    list(b, v, "Upcoming", "upcoming", v.upcoming(), "Nothing scheduled.");
    list(b, v, "Past 30 days", "past", v.past(), "Nothing in the last 30 days.");
    b.append("</section>");
  }

  private static void list(StringBuilder b, StatusView v, String title, String cls, List<Outage> os, String none) {
    b.append("<h3>").append(title).append("</h3>");
    if (os.isEmpty()) {
      b.append("<p class=\"muted\">").append(none).append("</p>");
      return;
    }
    b.append("<div class=\"outages-").append(cls).append("\">");
    for (Outage o : os) {
      outage(b, o, v.now());
    }
    b.append("</div>");
  }

  static void outage(StringBuilder b, Outage o, Instant now) {
    Outage.Phase ph = o.phase(now);
    String status = o.isMaintenance() ? ph.maintenanceText : ph == Outage.Phase.ENDED ? "resolved"
        : ph == Outage.Phase.UPCOMING ? "scheduled" : "ongoing";
    b.append("<article class=\"outage sev-").append(o.severity().label()).append("\" id=\"outage-")
        .append(Html.id(o.id())).append("\" data-outage=\"").append(esc(o.id())).append("\"><h4>")
        .append(esc(ServicesRenderer.label(o))).append(" (").append(status).append("): ").append(esc(o.title()))
        .append("</h4><p><small>Affects ").append(esc(OutageStore.target(o))).append(" · from ")
        .append(Html.time(o.start()));
    Instant end = o.endedAt(now) != null ? o.endedAt(now) : o.expectedEnd();
    if (end != null) {
      b.append(ph == Outage.Phase.ENDED ? " · ended " : " · expected end ").append(Html.time(end));
    }
    b.append(" · source ").append(o.origin().label()).append("</small></p>");
    if (o.description() != null && !o.description().isEmpty()) {
      b.append("<p>").append(esc(o.description())).append("</p>");
    }
    if (!o.updates().isEmpty()) {
      b.append("<ol reversed aria-label=\"Updates\">");
      for (int i = o.updates().size() - 1; i >= 0; i--) {
        Outage.Update u = o.updates().get(i);
        b.append("<li><time datetime=\"").append(Html.isoTime(u.at())).append("\">").append(Html.time(u.at()))
            .append("</time>: ").append(esc(u.message())).append("</li>");
      }
      b.append("</ol>");
    }
    b.append("</article>");
  }
}
