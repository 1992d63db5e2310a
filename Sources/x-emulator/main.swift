print("x-emulator: not built yet")
