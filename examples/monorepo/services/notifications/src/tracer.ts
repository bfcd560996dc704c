// Initialises dd-trace. Imported first by index.ts so that kafkajs and nodemailer are
// patched before they are loaded.
import tracer from 'dd-trace';

tracer.init({
  logInjection: true,
  runtimeMetrics: true,
});

export default tracer;
