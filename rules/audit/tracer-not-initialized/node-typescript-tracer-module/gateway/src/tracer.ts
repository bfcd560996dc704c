import tracer from 'dd-trace';

// Initialised in its own module so that it runs before the framework modules load.
tracer.init({
  logInjection: true,
  runtimeMetrics: true,
});

export default tracer;
