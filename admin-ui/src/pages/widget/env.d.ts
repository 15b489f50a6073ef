// Vite's explicit URL import (vite/client types are not in the project's tsconfig).
declare module '*?url&no-inline' {
  const url: string;
  export default url;
}
