package org.hpcstatus.exporter.slurm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The property-based parser checks as a long run (docs/performance.md, "Fuzzing"): the same generators
 * and the same assertions as the *Properties classes, called directly (no engine per try) until
 * {@code total} inputs have been checked, spread over every property. An input is one parser call on a
 * generated text. Any assertion error or unexpected exception ends the run with exit code 1.
 *
 * <pre>java -cp test-classes:classes:deps org.hpcstatus.exporter.slurm.FuzzBench 10000000 [case-name-regex]</pre>
 */
public final class FuzzBench {
  private FuzzBench() {}

  record Case(String name, Consumer<Long> runOne) {}

  public static void main(String[] args) {
    long total = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    ParserRobustnessProperties robust = new ParserRobustnessProperties();
    NodesModelProperties nodes = new NodesModelProperties();
    QueueModelProperties queue = new QueueModelProperties();
    RecordsModelProperties records = new RecordsModelProperties();
    var web = new org.hpcstatus.exporter.web.security.WebConfigPropertiesAccess();
    var config = new org.hpcstatus.exporter.ConfigYamlProperties();
    var sacct = new org.hpcstatus.exporter.accounting.SacctProperties();
    var outages = new org.hpcstatus.exporter.status.OutageJsonProperties();
    List<Case> cases = new ArrayList<>();
    Iterator<String> parser = robust.parserName().sampleStream().iterator();
    cases.add(new Case("hostile text, every parser", sampler(robust.hostileText(),
        t -> robust.hostileTextNeverThrows(parser.next(), t))));
    cases.add(new Case("damaged captures", sampler(robust.damagedCapture(), robust::damagedCapturesNeverThrow)));
    cases.add(new Case("nodes model", sampler(nodes.nodes(),
        m -> nodes.everyNumberOfAValidNodeIsReadExactly(m, List.of(m.size() % 3)))));
    cases.add(new Case("partitions model", sampler(nodes.partitions(), nodes::everyNumberOfAValidPartitionIsReadExactly)));
    cases.add(new Case("squeue model", sampler(queue.jobs(), m -> queue.squeueLinesAreReadExactly(m, List.of("x|1|2")))));
    cases.add(new Case("sshare model", sampler(queue.shares(), queue::sshareRowsAreReadExactly)));
    Iterator<java.util.Map<String, long[]>> rpcs = queue.rpcModel().sampleStream().iterator();
    cases.add(new Case("sdiag model", sampler(queue.sdiagModel(),
        g -> queue.sdiagCountersAreReadExactly(g, rpcs.next(), 1_795_462_593L + g.size()))));
    cases.add(new Case("reservations model", sampler(records.reservations(), records::reservationsAreReadExactly)));
    cases.add(new Case("licenses model", sampler(records.licenses(), l -> records.licensesAreReadExactly(l, l.size() % 2 == 0))));
    cases.add(new Case("ping model", sampler(records.controllers(), records::pingIsReadExactly)));
    cases.add(new Case("scontrol show config", sampler(records.configEntries(), records::scontrolShowConfigKeepsEveryKeyAndValue)));
    cases.add(new Case("web-config documents", web.documents()));
    cases.add(new Case("web-config model", web.models()));
    cases.add(new Case("config YAML documents", sampler(config.document(),
        config::arbitraryDocumentsLoadOrFailWithAConfigException)));
    cases.add(new Case("config YAML model", sampler(config.model(), config::validDocumentsLoadWithTheModelsValues)));
    cases.add(new Case("sacct model + junk", sampler(Combinators.combine(sacct.rows().list().ofMaxSize(30),
        sacct.junk().list().ofMaxSize(10)).as(List::of), l -> sacct.modelRowsAreReadExactlyAndJunkIsCounted(
            castList(l.get(0)), castList(l.get(1))))));
    cases.add(new Case("sacct hostile text", sampler(sacct.hostile(),
        sacct::arbitraryTextNeverThrowsAndEveryLineIsAccountedFor)));
    cases.add(new Case("outage API bodies", sampler(outages.bodies(), outages::everyBodyIsAnOutageOrA400NamingAField)));
    cases.add(new Case("outage API model", sampler(outages.models(), m -> {
      try {
        outages.aValidDeclarationReadsBackExactly(m);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    })));

    if (args.length > 1) { // a regex of case names: run only those (still `total / all cases` inputs each)
      java.util.regex.Pattern only = java.util.regex.Pattern.compile(args[1]);
      long all = cases.size();
      cases.removeIf(c -> !only.matcher(c.name()).find());
      total = total * cases.size() / all;
    }
    long perCase = (total + cases.size() - 1) / cases.size();
    long start = System.nanoTime();
    long done = 0;
    for (Case c : cases) {
      long t0 = System.nanoTime();
      try {
        for (long i = 0; i < perCase; i++) {
          c.runOne().accept(i);
        }
      } catch (AssertionError | RuntimeException e) {
        System.out.println("FAILED " + c.name() + ": " + e);
        System.exit(1);
      }
      double s = (System.nanoTime() - t0) / 1e9;
      done += perCase;
      System.out.printf(Locale.ROOT, "fuzz %-28s %,12d inputs %8.1f s %,10.0f/s%n", c.name(), perCase, s, perCase / s);
    }
    double s = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "fuzz total %,d inputs in %.1f s, 0 failures%n", done, s);
  }

  @SuppressWarnings("unchecked")
  static <T> List<T> castList(Object o) {
    return (List<T>) o;
  }

  /** One sample of {@code a} per call, handed to {@code check}. */
  static <T> Consumer<Long> sampler(Arbitrary<T> a, Consumer<T> check) {
    Iterator<T> it = a.sampleStream().iterator();
    return i -> check.accept(it.next());
  }

}
