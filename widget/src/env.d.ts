// Vite-specific imports used by the widget (vite/client types are not in the project's tsconfig).
declare module '*.css?inline' {
  const css: string;
  export default css;
}
// File name of the built panel chunk, provided by the `docent-panel` plugin in widget/vite.config.ts.
declare module 'virtual:docent-panel' {
  const fileName: string;
  export default fileName;
}
