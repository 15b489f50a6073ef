// multipart/form-data bodies for upload tests, built by hand so tests can also send broken ones.

export interface Multipart {
  payload: Buffer;
  contentType: string;
  boundary: string;
}

export function multipart(files: Array<{ name: string; data: Buffer }>, fields: Array<{ name: string; value: string }> = []): Multipart {
  const boundary = `----docent${Math.random().toString(16).slice(2)}`;
  const parts = [
    ...fields.map((f) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"\r\n\r\n${f.value}\r\n`)),
    ...files.flatMap((f) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      f.data,
      Buffer.from('\r\n'),
    ]),
  ];
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
