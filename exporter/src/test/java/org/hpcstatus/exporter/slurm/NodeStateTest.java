package org.hpcstatus.exporter.slurm;

import static org.assertj.core.api.Assertions.assertThat;

import org.hpcstatus.exporter.slurm.nodes.NodeState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeStateTest {

  @ParameterizedTest(name = "{0} -> {1} [{2}]")
  @CsvSource(delimiter = ';', value = {
      // scontrol compound states
      "IDLE;idle;",
      "MIXED+DRAIN;mixed;drain,draining",
      "ALLOCATED+DRAIN;allocated;drain,draining",
      "IDLE+DRAIN;idle;drain,drained",
      "DOWN+DRAIN;down;drain,drained",
      "DOWN+NOT_RESPONDING;down;not_responding",
      "IDLE+RESERVED;idle;reserved",
      "ALLOCATED+COMPLETING;allocated;completing",
      "IDLE+COMPLETING+DRAIN;idle;drain,draining,completing",
      "IDLE+POWERED_DOWN;idle;powered_down",
      "IDLE+POWERING_UP;idle;powering_up",
      "IDLE+POWERING_DOWN;idle;powering_down",
      "IDLE+POWER_DOWN;idle;power_down",
      "IDLE+MAINTENANCE+RESERVED;idle;maint,reserved",
      "MIXED+REBOOT_REQUESTED;mixed;reboot_requested",
      "IDLE+REBOOT_ISSUED;idle;reboot_issued",
      "IDLE+DYNAMIC_NORM+MAINTENANCE+RESERVED+PLANNED;idle;maint,planned,reserved,dynamic_norm",
      "ALLOCATED+DRAIN+FAIL;allocated;drain,draining,fail",
      "FUTURE;future;",
      "UNKNOWN+NOT_RESPONDING;unknown;not_responding",
      "IDLE+CLOUD+POWERED_DOWN;idle;powered_down,cloud",
      // sinfo suffix forms: every suffix character
      "idle*;idle;not_responding",
      "idle~;idle;powered_down",
      "idle#;idle;powering_up",
      "idle!;idle;power_down",
      "idle%;idle;powering_down",
      "idle$;idle;maint",
      "mix@;mixed;reboot_requested",
      "idle^;idle;reboot_issued",
      "mix-;mixed;planned",
      "alloc+;allocated;completing",
      "down*;down;not_responding",
      // sinfo one-word summaries: never prefix-matched into a wrong bucket
      "drained;idle;drain,drained",
      "draining;allocated;drain,draining",
      "drained*;idle;drain,drained,not_responding",
      "mixed;mixed;",
      "completing;allocated;completing",
  })
  void parsesBaseStateAndFlags(String raw, String base, String flags) {
    NodeState s = NodeState.parse(raw);
    assertThat(s).as(raw).isNotNull();
    assertThat(s.base()).isEqualTo(base);
    if (flags == null) {
      assertThat(s.flags()).isEmpty();
    } else {
      assertThat(s.flags()).containsExactlyInAnyOrder(flags.split(","));
    }
  }

  @ParameterizedTest
  @CsvSource({"BOGUS", "'   '", "+DRAIN", "idlex"})
  void rejectsUnknownStates(String raw) {
    assertThat(NodeState.parse(raw)).isNull();
  }
}
