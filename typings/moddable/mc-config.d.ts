// Moddable "mc/config": the manifest's `config` object, merged with `key=value` arguments of
// mcconfig, frozen at build time (documentation/tools/manifest.md, config). Its shape is this
// project's: hal/esp32/config.ts validates it, so it is typed as unknown values here.
declare module 'mc/config' {
  const config: { readonly [key: string]: unknown };
  export default config;
}
