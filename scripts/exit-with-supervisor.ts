// Preloaded (`node --import`) into the processes `npm start` supervises: when the supervisor is gone — even after a
// `kill -9`, which no handler sees — they stop too, so the next `npm start` never finds their ports taken.
const supervisorPid = Number(process.env.HOLDFAST_SUPERVISOR_PID);

if (supervisorPid > 0) {
  setInterval(() => {
    try {
      process.kill(supervisorPid, 0);
    } catch {
      process.kill(process.pid, "SIGTERM");
    }
  }, 1_000).unref();
}
