/** Set BENCH_CPU_PROF=<dir> to have every server process write a V8 CPU profile there. */
export const profiling = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];
