package org.hpcstatus.exporter.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hpcstatus.exporter.core.Out;
import org.hpcstatus.exporter.slurm.jobs.JobsCollector;
import org.hpcstatus.exporter.slurm.jobs.SqueueParser;
import org.hpcstatus.exporter.slurm.nodes.NodesCollector;
import org.hpcstatus.exporter.slurm.nodes.NodesParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** JMH: parse (and aggregate) a 10k-node node list plus a 100k-job squeue output, single thread. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Threads(1)
public class ParseBench {
  String nodes;
  String squeue;

  @Setup
  public void setup() {
    nodes = SyntheticSlurm.nodes(10_000);
    squeue = SyntheticSlurm.squeue(100_000);
  }

  @Benchmark
  public Object parse10kNodesAnd100kJobs() {
    return List.of(NodesParser.parse(nodes).value(), SqueueParser.parse(squeue).value());
  }

  @Benchmark
  public Object parseAndBuildSnapshots10kNodes100kJobs() {
    Out out = new Out("bench");
    NodesCollector.write(NodesParser.parse(nodes).value(), out);
    new JobsCollector(50, 50, List.of()).write(SqueueParser.parse(squeue).value(), out);
    return out.build();
  }
}
