package org.hpcstatus.exporter.status;

import static org.hpcstatus.exporter.status.Html.esc;

import java.time.Instant;
import java.util.Map;
import org.hpcstatus.exporter.status.StatusSnapshot.Alloc;
import org.hpcstatus.exporter.status.StatusSnapshot.Cluster;
import org.hpcstatus.exporter.status.StatusView.ClusterView;

/**
 * Per cluster: controller, nodes by state, allocation bars, partitions, reservations. Several clusters
 * become tabs (the tab list is revealed by the script; without it every cluster is shown in turn).
 */
final class ClusterRenderer {
  private ClusterRenderer() {}

  static void render(StringBuilder b, StatusView v) {
    b.append("<section id=\"clusters\" aria-labelledby=\"h-clusters\"><h2 id=\"h-clusters\">Clusters</h2>");
    if (v.notice() != null) {
      b.append("<p class=\"err\">").append(esc(v.notice())).append("</p>");
    } else {
      b.append(Html.age(v.clustersAge(), "cluster data"));
    }
    if (v.clusters().isEmpty()) {
      b.append(v.notice() == null ? "<p>No Slurm data yet.</p>" : "");
      sources(b, v);
      b.append("</section>");
      return;
    }
    b.append("<div role=\"tablist\" class=\"tabs\" aria-label=\"Clusters\" hidden>");
    for (ClusterView c : v.clusters()) {
      String id = Html.id(c.cluster().name());
      b.append("<button type=\"button\" role=\"tab\" id=\"tab-").append(id).append("\" data-c=\"").append(id)
          .append("\" aria-controls=\"panel-").append(id).append("\">").append(Html.icon(c.state())).append(' ')
          .append(esc(c.cluster().name())).append("</button>");
    }
    b.append("</div>");
    for (ClusterView c : v.clusters()) {
      panel(b, c, v);
    }
    sources(b, v);
    b.append("</section>");
  }

  /** Each collector's last result (the error text when it failed), folded away: for administrators. */
  private static void sources(StringBuilder b, StatusView v) {
    if (v.sources().isEmpty()) {
      return;
    }
    long failing = v.sources().values().stream().filter(x -> x.startsWith("FAILED")).count();
    b.append("<details><summary>Data sources: ").append(v.sources().size()).append(", ").append(failing)
        .append(" failing</summary><ul>");
    v.sources().forEach((k, x) -> b.append("<li>").append(esc(k)).append(": ").append(esc(x)).append("</li>"));
    b.append("</ul></details>");
  }

  private static void panel(StringBuilder b, ClusterView cv, StatusView v) {
    Cluster c = cv.cluster();
    String id = Html.id(c.name());
    b.append("<div class=\"panel st-").append(cv.state().label).append("\" role=\"tabpanel\" id=\"panel-").append(id).append("\" aria-labelledby=\"tab-")
        .append(id).append("\" data-cluster=\"").append(esc(c.name())).append("\" data-state=\"")
        .append(cv.state().label).append("\"><h3>Cluster ").append(esc(c.name())).append("</h3>");
    b.append("<dl class=\"kv\"><div><dt>Controller (slurmctld)</dt><dd class=\"st-").append(cv.state().label)
        .append("\">").append(Html.icon(cv.state())).append(' ')
        .append(c.controllerUp() == null ? "Unknown" : c.controllerUp() ? "Up" : "Down")
        .append(" <small>since ").append(Html.time(Instant.ofEpochMilli(cv.sinceMillis()))).append("</small></dd></div>")
        .append("<div><dt>Nodes</dt><dd>").append(c.nodesTotal()).append(" total, ").append(c.drained())
        .append(" drained, ").append(c.down()).append(" down</dd></div>")
        .append("<div><dt>Controller uptime</dt><dd>24 h ").append(Html.pct(cv.uptime24h())).append(" · 7 d ")
        .append(Html.pct(cv.uptime7d())).append(" · 30 d ").append(Html.pct(cv.uptime30d())).append("</dd></div></dl>");
    if (!c.nodesByState().isEmpty()) {
      b.append("<ul class=\"chips\" aria-label=\"Nodes by state\">");
      for (Map.Entry<String, Long> e : c.nodesByState().entrySet()) {
        if (e.getValue() > 0) {
          b.append("<li class=\"ns-").append(Html.id(e.getKey())).append("\">").append(esc(e.getKey())).append(' ')
              .append(e.getValue()).append("</li>");
        }
      }
      b.append("</ul>");
    }
    b.append("<div class=\"allocs\">");
    alloc(b, "CPUs", c.cpus(), false);
    alloc(b, "GPUs", c.gpus(), false);
    alloc(b, "Memory", c.memoryBytes(), true);
    b.append("</div>");
    ServicesRenderer.bar(b, cv.days(), "Controller of " + c.name());
    partitions(b, c, v.nowMillis() / 1000.0);
    reservations(b, c);
    b.append("</div>");
  }

  private static void alloc(StringBuilder b, String what, Alloc a, boolean bytes) {
    if (a == null || a.total() <= 0) {
      return;
    }
    String pct = Html.pct(a.ratio());
    String text = (bytes ? Html.bytes(a.allocated()) + " of " + Html.bytes(a.total())
        : Html.num(a.allocated()) + " of " + Html.num(a.total())) + " allocated (" + pct + ")";
    b.append("<div class=\"alloc\"><span>").append(what).append(": ").append(text).append("</span>")
        .append("<div class=\"meter\" role=\"img\" aria-label=\"").append(what).append(' ').append(pct)
        .append(" allocated\"><i style=\"width:").append(Math.round(a.ratio() * 1000) / 10.0).append("%\"></i></div></div>");
  }

  private static void partitions(StringBuilder b, Cluster c, double now) {
    if (c.partitions().isEmpty()) {
      return;
    }
    b.append("<div class=\"scroll\"><table><caption>Partitions</caption><thead><tr><th scope=\"col\">Partition</th>"
        + "<th scope=\"col\">State</th><th scope=\"col\">Nodes up</th><th scope=\"col\">Running</th>"
        + "<th scope=\"col\">Pending</th><th scope=\"col\">Oldest pending</th><th scope=\"col\">Typical wait</th>"
        + "</tr></thead><tbody>");
    for (StatusSnapshot.Partition p : c.partitions()) {
      b.append("<tr><th scope=\"row\">").append(esc(p.name())).append("</th><td>").append(esc(p.state()))
          .append("</td><td>").append(p.nodesUp()).append(" / ").append(p.nodesTotal()).append("</td><td>")
          .append(p.running()).append("</td><td>").append(p.pending()).append("</td><td>")
          .append(p.oldestPendingSubmit() == null || p.pending() == 0 ? "–"
              : Html.duration(now - p.oldestPendingSubmit()))
          .append("</td><td>").append(p.typicalWaitSeconds() == null ? "–"
              : Html.duration(p.typicalWaitSeconds()) + " <small>(median)</small>")
          .append("</td></tr>");
    }
    b.append("</tbody></table></div>");
  }

  private static void reservations(StringBuilder b, Cluster c) {
    if (c.reservations().isEmpty()) {
      return;
    }
    b.append("<div class=\"scroll\"><table><caption>Reservations</caption><thead><tr><th scope=\"col\">Name</th>"
        + "<th scope=\"col\">Kind</th><th scope=\"col\">State</th><th scope=\"col\">Start</th>"
        + "<th scope=\"col\">End</th><th scope=\"col\">Nodes</th></tr></thead><tbody>");
    for (StatusSnapshot.Reservation r : c.reservations()) {
      b.append("<tr><th scope=\"row\">").append(esc(r.name())).append("</th><td>")
          .append(r.maint() ? "<b>maintenance</b>" : "reservation").append("</td><td>").append(esc(r.state()))
          .append("</td><td>").append(r.start() == null ? "" : Html.time(Instant.ofEpochSecond(r.start().longValue())))
          .append("</td><td>").append(r.end() == null ? "" : Html.time(Instant.ofEpochSecond(r.end().longValue())))
          .append("</td><td>").append(r.nodes())
          .append(r.nodeList() == null || r.nodeList().isEmpty() ? "" : " <small>" + esc(r.nodeList()) + "</small>")
          .append("</td></tr>");
    }
    b.append("</tbody></table></div>");
  }
}
