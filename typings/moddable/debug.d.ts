// Moddable "debug" module (modules/base/debug): only gc(), which runs a full garbage
// collection. Never wider than the SDK's typing (typings/moddable/README.md).
declare module 'debug' {
  const Debug: {
    gc(): void;
  };
  export default Debug;
}
