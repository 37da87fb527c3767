// Moddable "instrumentation" module (modules/base/instrumentation; documentation/tools/xsbug.md,
// instrumentation): the runtime's counters, in builds made with instrumentation. Only the XS
// memory counters are declared. Never wider than the SDK's typing (typings/moddable/README.md).
declare module 'instrumentation' {
  const Instrumentation: {
    /** The index of a counter by its name, undefined when the build does not count it. */
    map(name: 'XS Slot Heap Used' | 'XS Chunk Heap Used' | 'XS Keys Used' | 'XS Stack Used' | 'XS Garbage Collection Count'): number | undefined;
    get(index: number): number | undefined;
  };
  export default Instrumentation;
}
