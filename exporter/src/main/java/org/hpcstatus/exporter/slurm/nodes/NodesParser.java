package org.hpcstatus.exporter.slurm.nodes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hpcstatus.exporter.core.Parsed;
import org.hpcstatus.exporter.slurm.common.Gres;
import org.hpcstatus.exporter.slurm.common.KeyValues;
import org.hpcstatus.exporter.slurm.common.SlurmValues;

/** Pure parser of {@code scontrol -d -o show nodes}: one record per node, malformed records counted and skipped. */
public final class NodesParser {
  private static final Pattern REASON = Pattern.compile("^(.*?)\\s*\\[([^@\\]]*)@([0-9T:\\-]+)\\]\\s*$");
  private static final int MAX_REASON = 128;
  /** The keys we read; the rest of each ~1 kB record is skipped without copying. */
  static final Set<String> KEYS = Set.of("NodeName", "State", "CPUTot", "CPUAlloc", "CPUEfctv", "CPULoad",
      "RealMemory", "AllocMem", "FreeMem", "Gres", "GresUsed", "AllocTRES", "Partitions", "Reason", "Version");

  private NodesParser() {}

  public static Parsed<List<Node>> parse(String output) {
    Parsed.Errors errors = new Parsed.Errors();
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!line.startsWith("NodeName=")) {
        if (!line.startsWith("No nodes in the system")) {
          errors.add("not a node record", line);
        }
        continue;
      }
      Node n = parseNode(KeyValues.parse(line, KEYS), errors, line);
      if (n != null && nodes.putIfAbsent(n.name(), n) != null) {
        errors.add("duplicate node", line);
      }
    }
    return Parsed.of(List.copyOf(nodes.values()), errors);
  }

  static Node parseNode(Map<String, String> kv, Parsed.Errors errors, String line) {
    String name = kv.get("NodeName");
    if (name == null || name.isEmpty()) {
      errors.add("no NodeName", line);
      return null;
    }
    String rawState = kv.get("State");
    NodeState state = NodeState.parse(rawState);
    if (state == null) {
      errors.add("unknown State '" + rawState + "'", line);
      return null;
    }
    Long cpuTot = SlurmValues.parseLong(kv.get("CPUTot"));
    if (cpuTot == null) {
      errors.add("bad CPUTot", line);
      return null;
    }
    long cpuAlloc = orZero(SlurmValues.parseLong(kv.get("CPUAlloc")));
    Long efctv = SlurmValues.parseLong(kv.get("CPUEfctv"));
    long memTotal = bytesOrZero(kv.get("RealMemory"));
    long memAlloc = bytesOrZero(kv.get("AllocMem"));
    Long memFree = SlurmValues.memoryBytes(kv.get("FreeMem"));

    Map<String, Long> gpusTotal = Gres.gpusByType(kv.get("Gres"));
    if (gpusTotal == null) {
      errors.add("bad Gres '" + kv.get("Gres") + "'", line);
      gpusTotal = Map.of();
    }
    Map<String, Long> gpusAlloc;
    if (kv.containsKey("GresUsed")) {
      gpusAlloc = Gres.gpusByType(kv.get("GresUsed"));
      if (gpusAlloc == null) {
        errors.add("bad GresUsed '" + kv.get("GresUsed") + "'", line);
        gpusAlloc = Map.of();
      }
    } else {
      gpusAlloc = allocFromTres(kv.get("AllocTRES"), gpusTotal);
    }
    // keep every configured type present in the allocation map, at 0 if unused
    Map<String, Long> alloc = new LinkedHashMap<>();
    gpusTotal.keySet().forEach(t -> alloc.put(t, 0L));
    gpusAlloc.forEach((t, v) -> alloc.merge(t, v, Long::sum));

    List<String> partitions = KeyValues.isNull(kv.get("Partitions")) ? List.of()
        : List.copyOf(new LinkedHashSet<>(Arrays.asList(kv.get("Partitions").split(","))));

    String reason = null;
    String reasonUser = null;
    Long reasonTs = null;
    String r = kv.get("Reason");
    if (!KeyValues.isNull(r)) {
      Matcher m = REASON.matcher(r);
      if (m.matches()) {
        reason = m.group(1);
        reasonUser = m.group(2);
        reasonTs = SlurmValues.timestamp(m.group(3));
      } else {
        reason = r;
      }
      if (reason.length() > MAX_REASON) {
        reason = reason.substring(0, MAX_REASON) + "…";
      }
    }
    return new Node(name, rawState, state, cpuTot, cpuAlloc, efctv == null ? cpuTot : efctv,
        SlurmValues.parseDouble(kv.get("CPULoad")), memTotal, memAlloc, memFree,
        Map.copyOf(gpusTotal), alloc, partitions, reason, reasonUser, reasonTs, kv.get("Version"));
  }

  /** Without {@code -d} there is no GresUsed: take GPUs from AllocTRES (typed if listed, else untyped). */
  private static Map<String, Long> allocFromTres(String allocTres, Map<String, Long> total) {
    Map<String, String> tres = SlurmValues.tres(allocTres);
    Map<String, Long> typed = SlurmValues.gpusByType(tres);
    if (!typed.isEmpty()) {
      return typed;
    }
    long n = SlurmValues.gpus(tres);
    if (n == 0) {
      return Map.of();
    }
    String type = total.size() == 1 ? total.keySet().iterator().next() : Gres.UNTYPED;
    return Map.of(type, n);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static long bytesOrZero(String mib) {
    Long v = SlurmValues.memoryBytes(mib);
    return v == null ? 0 : v;
  }

  /** Partition names of all nodes, in order of appearance. */
  public static Set<String> partitionsOf(List<Node> nodes) {
    Set<String> s = new LinkedHashSet<>();
    for (Node n : nodes) {
      s.addAll(n.partitions());
    }
    return s;
  }

}
