package org.hpcstatus.exporter.slurm.controller;

/** One controller line of {@code scontrol ping}: role (primary, backup, backup2 …), host, up. */
public record ControllerStatus(String role, String host, boolean up) {}
