package org.hpcstatus.exporter.status;

import static org.hpcstatus.exporter.status.Html.esc;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.hpcstatus.exporter.status.StatusSnapshot.Service;
import org.hpcstatus.exporter.status.StatusView.ServiceView;

/** The grid of service tiles, and the 90-day bars it shares with the clusters. */
final class ServicesRenderer {
  private ServicesRenderer() {}

  static void render(StringBuilder b, StatusView v) {
    b.append("<section id=\"services\" aria-labelledby=\"h-services\"><h2 id=\"h-services\">Services</h2>");
    b.append(Html.age(v.servicesAge(), "service checks"));
    if (v.services().isEmpty()) {
      b.append("<p>No service checks are configured.</p></section>");
      return;
    }
    b.append("<ul class=\"grid\">");
    for (ServiceView s : v.services()) {
      tile(b, s, v.nowMillis());
    }
    b.append("</ul></section>");
  }

  static void tile(StringBuilder b, ServiceView sv, long now) {
    Service s = sv.service();
    String st = s.state().label;
    b.append("<li class=\"tile st-").append(st).append("\" id=\"svc-").append(Html.id(s.name()))
        .append("\" data-service=\"").append(esc(s.name())).append("\" data-state=\"").append(st).append("\">")
        .append("<h3>").append(esc(s.name())).append(" <small>").append(esc(s.kind())).append("</small></h3>")
        .append("<p class=\"state\">").append(Html.icon(s.state())).append(' ').append(s.state().text)
        .append(" <small>since ").append(Html.time(Instant.ofEpochMilli(sv.sinceMillis()))).append(" (")
        .append(Html.duration((now - sv.sinceMillis()) / 1000.0)).append(")</small></p>");
    if (s.latencySeconds() != null) {
      b.append("<p>Last check took ").append(latency(s.latencySeconds())).append("</p>");
    }
    if (s.lastFailureReason() != null && s.state() != StatusSnapshot.State.UP) {
      b.append("<p class=\"reason\">Failure: <b>").append(esc(s.lastFailureReason())).append("</b> ")
          .append(esc(s.lastFailureMessage())).append("</p>");
    } else if (s.lastFailureReason() != null) {
      b.append("<p class=\"reason muted\">Last failure: ").append(esc(s.lastFailureReason())).append("</p>");
    }
    for (Outage o : sv.outages()) {
      b.append("<p class=\"note sev-").append(o.severity().label()).append("\">").append(esc(label(o))).append(": ")
          .append(esc(o.title())).append("</p>");
    }
    bar(b, sv.days(), "Uptime of " + s.name());
    b.append("<p class=\"upt\">Uptime 24 h ").append(Html.pct(sv.uptime24h())).append(" · 7 d ")
        .append(Html.pct(sv.uptime7d())).append(" · 30 d ").append(Html.pct(sv.uptime30d())).append("</p></li>");
  }

  static String label(Outage o) {
    return o.isMaintenance() ? "Maintenance" : switch (o.severity()) {
      case DEGRADED -> "Degraded performance";
      case PARTIAL -> "Partial outage";
      default -> "Major outage";
    };
  }

  static String latency(double seconds) {
    return seconds < 1 ? String.format(Locale.ROOT, "%.0f ms", seconds * 1000)
        : String.format(Locale.ROOT, "%.2f s", seconds);
  }

  /**
   * A 90-day bar: one mark per UTC day, coloured and labelled (text for screen readers, a tooltip on
   * days that were not fully up). Days without data are grey ("no data"), never green.
   */
  static void bar(StringBuilder b, List<History.Bucket> days, String what) {
    double known = 0;
    double avail = 0;
    for (History.Bucket d : days) {
      known += d.known();
      avail += d.up() + d.degraded();
    }
    String summary = known == 0 ? "no data yet" : Html.pct(avail / known) + " available";
    b.append("<div class=\"bar90\" role=\"img\" aria-label=\"").append(esc(what)).append(", last ")
        .append(days.size()).append(" days: ").append(summary).append("\">");
    for (History.Bucket d : days) {
      double u = d.uptime();
      String cls = Double.isNaN(u) ? "n" : u >= 0.999 ? "ok" : u >= 0.95 ? "mi" : "ma";
      b.append("<i class=\"").append(cls).append('"');
      if (!Double.isNaN(u) && u < 0.999) {
        b.append(" title=\"").append(Html.time(Instant.ofEpochMilli(d.index() * History.DAY_MILLIS)), 0, 10)
            .append(": ").append(Html.pct(u)).append(" up, ").append(Html.duration(d.down())).append(" down\"");
      }
      b.append("></i>");
    }
    b.append("</div>");
  }
}
