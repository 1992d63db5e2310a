// Placeholder until the XAPI library lands.
public enum XAPIPlaceholder {}
