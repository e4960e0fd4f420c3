package org.hpcstatus.exporter.core;

import java.time.Duration;

/** Output of one finished command. {@code stdout} is complete (never truncated) when this exists. */
public record CommandResult(String stdout, String stderr, int exitCode, Duration elapsed) {}
