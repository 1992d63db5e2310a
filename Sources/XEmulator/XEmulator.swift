// Placeholder until the emulator lands.
public enum XEmulatorPlaceholder {}
