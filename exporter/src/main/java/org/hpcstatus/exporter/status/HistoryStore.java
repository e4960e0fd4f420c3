package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.hpcstatus.exporter.core.AtomicFiles;
import org.hpcstatus.exporter.status.StatusSnapshot.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads {@link History} as JSON in the state directory, atomically (temp file, fsync,
 * rename). A file that cannot be read is moved aside ({@code *.corrupt-<epoch>}) with one ERROR line
 * and the page starts with empty bars: a broken file never stops the exporter.
 */
public final class HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryStore.class);
  static final String FILE = "status-history.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public HistoryStore(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  public Path file() {
    return file;
  }

  public void save(History h) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.write(file, JSON.writeValueAsBytes(toJson(h)));
  }

  /** The saved history, or an empty one when there is none or it is unreadable (then quarantined). */
  public History load() {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new History();
    } catch (IOException e) {
      LOG.error("status history {} cannot be read ({}); starting with empty history", file, e.toString());
      return new History();
    }
    try {
      return fromJson(JSON.readTree(data));
    } catch (IOException | RuntimeException e) {
      Quarantine.moveAside(file, "status history", e.getMessage());
      return new History();
    }
  }

  static ObjectNode toJson(History h) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ObjectNode tracks = root.putObject("tracks");
    for (Map.Entry<String, History.Track> e : h.tracks().entrySet()) {
      History.Track t = e.getValue();
      ObjectNode o = tracks.putObject(e.getKey());
      o.put("state", t.state.label);
      o.put("since", t.sinceMillis);
      o.put("last_seen", t.lastSeenMillis);
      ArrayNode ch = o.putArray("changes");
      for (History.Change c : t.changes) {
        ch.addArray().add(c.atMillis()).add(c.from().label).add(c.to().label).add(c.reason());
      }
      ring(o.putArray("fine"), t.fine);
      ring(o.putArray("daily"), t.daily);
    }
    return root;
  }

  private static void ring(ArrayNode out, long[][] ring) {
    for (long[] b : ring) {
      if (b != null) {
        out.addArray().add(b[0]).add(b[1]).add(b[2]).add(b[3]);
      }
    }
  }

  static History fromJson(JsonNode root) throws IOException {
    if (root == null || root.path("version").asInt() != 1 || !root.path("tracks").isObject()) {
      throw new IOException("not a version 1 status history");
    }
    History h = new History();
    var it = root.get("tracks").fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode o = e.getValue();
      History.Track t = new History.Track();
      t.state = state(o.path("state").asText());
      t.sinceMillis = o.path("since").asLong();
      t.lastSeenMillis = o.path("last_seen").asLong();
      for (JsonNode c : o.path("changes")) {
        t.changes.addLast(new History.Change(c.get(0).asLong(), state(c.get(1).asText()), state(c.get(2).asText()),
            c.get(3).isNull() ? null : c.get(3).asText()));
      }
      while (t.changes.size() > History.MAX_CHANGES) {
        t.changes.removeFirst();
      }
      load(o.path("fine"), t.fine);
      load(o.path("daily"), t.daily);
      h.tracks().put(e.getKey(), t);
    }
    return h;
  }

  private static void load(JsonNode arr, long[][] ring) throws IOException {
    for (JsonNode b : arr) {
      if (b.size() != 4) {
        throw new IOException("bucket with " + b.size() + " fields");
      }
      long idx = b.get(0).asLong();
      long[] v = {idx, b.get(1).asLong(), b.get(2).asLong(), b.get(3).asLong()};
      if (v[1] < 0 || v[2] < 0 || v[3] < 0) {
        throw new IOException("negative bucket");
      }
      ring[(int) Math.floorMod(idx, (long) ring.length)] = v;
    }
  }

  private static State state(String label) throws IOException {
    for (State s : State.values()) {
      if (s.label.equals(label)) {
        return s;
      }
    }
    throw new IOException("unknown state '" + label + "'");
  }
}
