/// The webhook checks, which need both the state (which webhooks, their validity) and the hub
/// (the HTTP call): the state is read and written under the lock, the CRCs run outside it.
extension EmulatorStore {
    /// Runs a CRC on every webhook whose last one is `crcInterval` old on the emulator's clock
    /// (every webhook when `force`), and marks each valid or not by its outcome. Returns the
    /// webhooks afterwards.
    @discardableResult
    func checkWebhooks(force: Bool) async -> [Webhook] {
        let now = configuration.clock.now().timeIntervalSince1970
        let interval = configuration.crcInterval.seconds
        let due = withState { state in state.push.webhooks.filter { force || now - $0.checkedAt >= interval } }
        for webhook in due {
            let valid = await push.crc(url: webhook.url)
            setValidity(webhook.id, valid: valid, checkedAt: now)
        }
        return withState { $0.push.webhooks }
    }

    /// Records a CRC's outcome on a webhook that may have been deleted meanwhile.
    func setValidity(_ id: UInt64, valid: Bool, checkedAt: Double) {
        withState { state in
            guard let index = state.push.webhooks.firstIndex(where: { $0.id == id }) else { return }
            state.push.webhooks[index].valid = valid
            state.push.webhooks[index].checkedAt = checkedAt
        }
    }
}
