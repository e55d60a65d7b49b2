/**
 * REFI-QDA project exchange (`.qdpx`): the one module the rest of Waymark imports. The project model and what
 * the offsets mean are in qdpx-model.ts; reading in qdpx-read.ts (+ qdpx-read-sources.ts); writing in
 * qdpx-write.ts; the safe XML reader and escaping in qdpx-xml.ts.
 */
export * from './qdpx-model';
export { readProjectQde, readQdpx } from './qdpx-read';
export { writeProjectQde, writeQdpx, type QdpxWriteOptions } from './qdpx-write';
