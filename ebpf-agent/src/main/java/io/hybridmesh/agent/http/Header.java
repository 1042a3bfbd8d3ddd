package io.hybridmesh.agent.http;

/** One kept header; the name is lower-case and always one of the allow-listed names. */
public record Header(String name, String value) {}
