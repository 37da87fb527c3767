// Moddable "Resource" module (documentation/files/files.md, class Resource): read-only data
// built into the firmware (the manifest's `data` and `resources`). Never wider than the SDK's
// typing (typings/moddable/README.md).
declare module 'Resource' {
  const Resource: {
    new (path: string): {
      readonly byteLength: number;
      /** A copy of bytes [begin, end) as an ArrayBuffer. */
      slice(begin: number, end?: number): ArrayBuffer;
    };
    exists(path: string): boolean;
  };
  export default Resource;
}
