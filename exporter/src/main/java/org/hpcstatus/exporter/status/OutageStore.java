package org.hpcstatus.exporter.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.hpcstatus.exporter.core.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declared outages and maintenance: those of the outages file (YAML, re-read when it changes, never
 * changed by us) and those posted through the API (persisted atomically as {@code outages.json} in the
 * state directory, so they survive a restart). A file with an error keeps its last good content and the
 * error is shown on the page. Thread-safe.
 */
public final class OutageStore {
  private static final Logger LOG = LoggerFactory.getLogger(OutageStore.class);
  static final String FILE = "outages.json";
  /** API declarations kept at most; ended ones older than {@link #KEEP_ENDED} are dropped first. */
  static final int MAX_OUTAGES = 1000;
  static final Duration KEEP_ENDED = Duration.ofDays(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The outage does not exist. */
  public static final class NotFound extends Exception {
    NotFound(String id) {
      super("no outage " + id);
    }
  }

  /** The outage comes from the outages file (or Slurm): change it there. */
  public static final class ReadOnly extends Exception {
    ReadOnly(Outage o) {
      super("outage " + o.id() + " is declared in the " + (o.origin() == Outage.Origin.FILE ? "outages file"
          : "Slurm reservation") + "; change it there");
    }
  }

  private final Path stateFile;
  private final Path declaredFile;
  private final Supplier<Set<String>> services;
  private final Clock clock;
  private final Map<String, Outage> api = new LinkedHashMap<>();
  private List<Outage> declared = List.of();
  private String declaredError;
  private FileTime declaredMtime;
  private long declaredSize = -1;
  private long version;

  /** {@code stateDir} null keeps API outages in memory only; {@code declaredFile} null: no outages file. */
  public OutageStore(Path stateDir, Path declaredFile, Supplier<Set<String>> services, Clock clock) {
    this.stateFile = stateDir == null ? null : stateDir.resolve(FILE);
    this.declaredFile = declaredFile;
    this.services = services;
    this.clock = clock;
    loadState();
    reloadIfChanged();
  }

  /** Changes whenever the set of outages changes. */
  public synchronized long version() {
    return version;
  }

  /** The error of the outages file's last reading, or null. */
  public synchronized String declaredError() {
    return declaredError;
  }

  public synchronized List<Outage> all() {
    List<Outage> out = new ArrayList<>(declared);
    out.addAll(api.values());
    return out;
  }

  public synchronized Outage get(String id) throws NotFound {
    for (Outage o : all()) {
      if (o.id().equals(id)) {
        return o;
      }
    }
    throw new NotFound(id);
  }

  public synchronized Outage create(JsonNode body) throws OutageParser.Invalid, IOException {
    Instant now = clock.instant();
    prune(now);
    if (api.size() >= MAX_OUTAGES) {
      throw new OutageParser.Invalid("body", "too many outages (" + MAX_OUTAGES + "); delete old ones first");
    }
    String id;
    do {
      id = Long.toString(now.getEpochSecond(), 36) + "-" + Integer.toString(RANDOM.nextInt(1 << 20), 36);
    } while (taken(id));
    Outage o = OutageParser.create(body, id, Outage.Origin.API, services.get(), now);
    Map<String, Outage> next = new LinkedHashMap<>(api);
    next.put(id, o);
    commit(next);
    LOG.info("outage {} declared through the API: {} {} ({})", id, o.severity().label(), target(o), o.title());
    return o;
  }

  private boolean taken(String id) {
    return api.containsKey(id) || declared.stream().anyMatch(o -> o.id().equals(id));
  }

  public synchronized Outage patch(String id, JsonNode body)
      throws OutageParser.Invalid, NotFound, ReadOnly, IOException {
    Outage old = api.get(id);
    if (old == null) {
      readOnlyOrMissing(id);
    }
    Outage o = OutageParser.patch(old, body, services.get(), clock.instant());
    Map<String, Outage> next = new LinkedHashMap<>(api);
    next.put(id, o);
    commit(next);
    LOG.info("outage {} changed through the API{}", id, o.resolved() ? " (resolved)" : "");
    return o;
  }

  public synchronized void delete(String id) throws NotFound, ReadOnly, IOException {
    if (!api.containsKey(id)) {
      readOnlyOrMissing(id);
    }
    Map<String, Outage> next = new LinkedHashMap<>(api);
    next.remove(id);
    commit(next);
    LOG.info("outage {} deleted through the API", id);
  }

  private void readOnlyOrMissing(String id) throws NotFound, ReadOnly {
    for (Outage o : declared) {
      if (o.id().equals(id)) {
        throw new ReadOnly(o);
      }
    }
    throw new NotFound(id);
  }

  /** Writes first, then switches: a failed write changes nothing (the client gets 500 and may retry). */
  private void commit(Map<String, Outage> next) throws IOException {
    if (stateFile != null) {
      ArrayNode arr = JSON.createArrayNode();
      next.values().forEach(o -> arr.add(OutageJson.toJson(o, null)));
      Files.createDirectories(stateFile.toAbsolutePath().getParent());
      AtomicFiles.write(stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(arr));
    }
    api.clear();
    api.putAll(next);
    version++;
  }

  private void prune(Instant now) {
    api.values().removeIf(o -> {
      Instant ended = o.endedAt(now);
      return ended != null && ended.isBefore(now.minus(KEEP_ENDED));
    });
  }

  private void loadState() {
    if (stateFile == null) {
      return;
    }
    try {
      JsonNode arr = JSON.readTree(Files.readAllBytes(stateFile));
      if (arr == null || !arr.isArray()) {
        throw new IOException("not a JSON list");
      }
      for (JsonNode n : arr) {
        Outage o = OutageJson.fromJson(n);
        api.put(o.id(), o);
      }
    } catch (NoSuchFileException e) {
      // first start
    } catch (IOException | RuntimeException e) {
      api.clear();
      Quarantine.moveAside(stateFile, "declared outages", e.getMessage());
    }
  }

  /** Re-reads the outages file when its mtime or size changed; true when the outages changed. */
  public synchronized boolean reloadIfChanged() {
    if (declaredFile == null) {
      return false;
    }
    FileTime mtime;
    long size;
    try {
      mtime = Files.getLastModifiedTime(declaredFile);
      size = Files.size(declaredFile);
    } catch (NoSuchFileException e) {
      mtime = null;
      size = -2;
    } catch (IOException e) {
      return false;
    }
    if (Objects.equals(mtime, declaredMtime) && size == declaredSize) {
      return false;
    }
    declaredMtime = mtime;
    declaredSize = size;
    List<Outage> before = declared;
    if (mtime == null) {
      declared = List.of();
      declaredError = null;
    } else {
      try {
        declared = parseFile(Files.readAllBytes(declaredFile), services.get(), clock.instant());
        declaredError = null;
        LOG.info("outages file {}: {} declaration(s)", declaredFile, declared.size());
      } catch (IOException | OutageParser.Invalid e) {
        declaredError = declaredFile + ": " + e.getMessage();
        LOG.error("outages file {} not loaded, keeping its previous content: {}", declaredFile, e.getMessage());
      }
    }
    if (!before.equals(declared)) {
      version++;
      return true;
    }
    return false;
  }

  /** The outages file: {@code outages:} a list of declarations, each with an {@code id}. */
  static List<Outage> parseFile(byte[] yaml, Set<String> services, Instant now) throws IOException,
      OutageParser.Invalid {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IOException("not valid YAML: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    if (!root.isObject() || (root.size() > 0 && !root.has("outages")) || root.size() > 1) {
      throw new OutageParser.Invalid("/", "the outages file has one key, outages: a list");
    }
    JsonNode list = root.path("outages");
    if (list.isNull() || list.isMissingNode()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new OutageParser.Invalid("/outages", "must be a list");
    }
    List<Outage> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      try {
        String id = OutageParser.id(list.get(i));
        if (!ids.add(id)) {
          throw new OutageParser.Invalid("id", "'" + id + "' used twice");
        }
        out.add(OutageParser.create(list.get(i), id, Outage.Origin.FILE, services, now));
      } catch (OutageParser.Invalid e) {
        throw new OutageParser.Invalid("/outages/" + i + "/" + e.field(), e.getMessage().substring(e.field().length() + 2));
      }
    }
    return List.copyOf(out);
  }

  static String target(Outage o) {
    return o.service() != null ? o.service() + (o.cluster() != null ? "@" + o.cluster() : "") : "cluster " + o.cluster();
  }
}
