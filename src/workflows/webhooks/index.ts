// Webhooks: deliveries queued with the write (./enqueue) and sent by a job (./deliver).
import './enqueue';
import './deliver';
