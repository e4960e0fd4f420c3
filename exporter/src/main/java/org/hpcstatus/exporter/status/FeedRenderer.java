package org.hpcstatus.exporter.status;

import static org.hpcstatus.exporter.status.Html.esc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@code /feed.atom}: incidents and maintenance (in progress, upcoming, past 30 days), newest change first. */
final class FeedRenderer {
  private FeedRenderer() {}

  static Instant updated(Outage o, Instant now) {
    Instant t = o.start() == null ? Instant.EPOCH : o.start().isAfter(now) ? now : o.start();
    for (Outage.Update u : o.updates()) {
      if (u.at().isAfter(t)) {
        t = u.at();
      }
    }
    Instant ended = o.endedAt(now);
    return ended != null && ended.isAfter(t) && !ended.isAfter(now) ? ended : t;
  }

  static String render(StatusView v, String selfUrl) {
    Instant now = v.now();
    List<Outage> all = new ArrayList<>(v.active());
    all.addAll(v.upcoming());
    all.addAll(v.past());
    all.sort(Comparator.comparing((Outage o) -> updated(o, now)).reversed());
    Instant feedUpdated = all.isEmpty() ? Instant.ofEpochSecond(0) : updated(all.get(0), now);
    StringBuilder b = new StringBuilder(4096);
    b.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
        .append("<title>Incidents and maintenance</title><id>urn:hpc-status:feed</id>")
        .append("<link rel=\"self\" href=\"").append(esc(selfUrl)).append("\"/>")
        .append("<updated>").append(Html.isoTime(feedUpdated)).append("</updated>")
        .append("<author><name>hpc-status-exporter</name></author>");
    for (Outage o : all) {
      Outage.Phase ph = o.phase(now);
      b.append("<entry><id>urn:hpc-status:outage:").append(esc(o.id())).append("</id><title>[")
          .append(esc(ServicesRenderer.label(o))).append(", ").append(ph.label).append("] ").append(esc(o.title()))
          .append("</title><updated>").append(Html.isoTime(updated(o, now))).append("</updated>");
      if (o.start() != null) {
        b.append("<published>").append(Html.isoTime(o.start())).append("</published>");
      }
      b.append("<category term=\"").append(o.severity().label()).append("\"/><content type=\"html\">");
      StringBuilder html = new StringBuilder();
      PageRenderer.outage(html, o, now);
      b.append(esc(html.toString())).append("</content></entry>");
    }
    return b.append("</feed>\n").toString();
  }
}
