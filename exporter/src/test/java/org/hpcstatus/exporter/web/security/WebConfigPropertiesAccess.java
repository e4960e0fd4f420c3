package org.hpcstatus.exporter.web.security;

import java.util.Iterator;
import java.util.function.Consumer;

/** {@link WebConfigProperties}' generators and checks for the long fuzz run (slurm.FuzzBench). */
public final class WebConfigPropertiesAccess {
  private final WebConfigProperties p = new WebConfigProperties();

  public Consumer<Long> documents() {
    Iterator<String> it = p.document().sampleStream().iterator();
    return i -> p.badFilesAreConfigExceptionsThatNameAKeyAndHideHashes(it.next());
  }

  public Consumer<Long> models() {
    Iterator<WebConfigProperties.Model> it = p.model().sampleStream().iterator();
    return i -> p.validFilesParseToTheModel(it.next());
  }
}
