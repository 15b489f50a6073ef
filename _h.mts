import { extractHtml } from './server/training/ingest/extract.ts';
console.log(JSON.stringify(extractHtml('<h2>Steps</h2><ol><li>Open <b>Settings</b></li><li>Click Save<ul><li>nested</li></ul></li></ol>', null)));
