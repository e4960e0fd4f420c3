package org.hpcstatus.exporter.slurm.fairshare;

/**
 * One row of {@code sshare -a -P -l}: an account row when {@code user} is empty, else a user's
 * association under {@code account}. Numeric columns are {@code null} when Slurm leaves them empty
 * (Fair Tree leaves FairShare empty on account rows; LevelFS is set there instead).
 */
public record ShareRow(String account, String user, Double rawShares, Double normShares, Double rawUsage,
                       Double normUsage, Double effectiveUsage, Double fairShare, Double levelFs) {

  public boolean isAccount() {
    return user.isEmpty();
  }
}
