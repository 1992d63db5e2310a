// Placeholder until the state module lands.
public enum SharedStatePlaceholder {}
