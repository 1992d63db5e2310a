// Placeholder until the fixtures land.
public enum TestSupportPlaceholder {}
