import type { Row } from "./common.js"; export async function run(): Promise<Row[]> { return []; }
