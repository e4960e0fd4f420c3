package org.hpcstatus.exporter.status;

import static org.hpcstatus.exporter.status.Html.esc;

import java.util.Locale;

/**
 * Shields-style SVG badges ("label | message", flat): the text says the state, the colour repeats it.
 * Widths are estimated from character count (Verdana 11px averages ~6.5 px), as shields does without
 * font metrics.
 */
final class BadgeRenderer {
  private BadgeRenderer() {}

  static String color(String state) {
    return switch (state.toLowerCase(Locale.ROOT)) {
      case "up", "operational" -> "#2da44e";
      case "degraded", "maintenance" -> state.equalsIgnoreCase("maintenance") ? "#1f6feb" : "#d4a72c";
      case "down", "partial", "major" -> "#e5534b";
      default -> "#6e7781";
    };
  }

  static int width(String s) {
    return (int) Math.round(s.codePointCount(0, s.length()) * 6.5) + 10;
  }

  static String render(String label, String message) {
    int lw = width(label);
    int mw = width(message);
    int w = lw + mw;
    String col = color(message);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w + "\" height=\"20\" role=\"img\" aria-label=\""
        + esc(label) + ": " + esc(message) + "\"><title>" + esc(label) + ": " + esc(message) + "</title>"
        + "<linearGradient id=\"s\" x2=\"0\" y2=\"100%\"><stop offset=\"0\" stop-color=\"#bbb\" stop-opacity=\".1\"/>"
        + "<stop offset=\"1\" stop-opacity=\".1\"/></linearGradient><clipPath id=\"r\"><rect width=\"" + w
        + "\" height=\"20\" rx=\"3\" fill=\"#fff\"/></clipPath><g clip-path=\"url(#r)\"><rect width=\"" + lw
        + "\" height=\"20\" fill=\"#555\"/><rect x=\"" + lw + "\" width=\"" + mw + "\" height=\"20\" fill=\"" + col
        + "\"/><rect width=\"" + w + "\" height=\"20\" fill=\"url(#s)\"/></g><g fill=\"#fff\" text-anchor=\"middle\" "
        + "font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" font-size=\"11\"><text x=\"" + lw / 2.0
        + "\" y=\"14\">" + esc(label) + "</text><text x=\"" + (lw + mw / 2.0) + "\" y=\"14\">" + esc(message)
        + "</text></g></svg>";
  }
}
