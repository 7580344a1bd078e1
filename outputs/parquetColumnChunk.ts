// One column chunk of a flat numeric column whose values are already in a typed array: the same
// bytes (page header, definition levels, Snappy-compressed PLAIN values, chunk metadata) as
// hyparquet-writer's writeColumn gives for those values, without its per-value work. That writer
// takes boxed values: it builds an array of definition levels, appends each double through a
// DataView into a buffer that grows by copying, and compresses through another; a study point's
// file (10,000 rows x 72 columns) cost ~50 ms of main-thread CPU that way. Here PLAIN doubles are
// the array's own bytes (Parquet is little-endian, so on a little-endian host they need no
// conversion), the definition levels are a run-length scan, and the Snappy output goes to a
// reused buffer (outputs/snappy.ts). test/parquetColumnChunk.test.ts checks the bytes against
// hyparquet-writer's for every case handled here.
//
// Handled: INT32 and DOUBLE_NAN (REQUIRED) and DOUBLE (OPTIONAL, NaN written as null), PLAIN
// encoding, Snappy, with or without statistics, in one data page v2: a row group of at most
// MAX_CHUNK_ROWS rows stays under hyparquet-writer's 1 MiB page size, so it never splits pages.
import type { ColumnChunk, ColumnMetaData } from 'hyparquet';
import type { Writer } from 'hyparquet-writer/src/types.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { snappyCompressInto, snappyMaxLength } from './snappy.js';

export type NumericColumnKind = 'INT32' | 'DOUBLE' | 'DOUBLE_NAN';

/** hyparquet-writer's default page size, in its estimate of value bytes (8 a double). */
const PAGE_BYTES = 1 << 20;
/** Rows a chunk may hold and still be one page whatever its type. */
export const MAX_CHUNK_ROWS = PAGE_BYTES / 8 - 1;

/** True where typed arrays store numbers as Parquet's PLAIN encoding does (little-endian). */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Scratch buffers, grown as needed and reused by every chunk this thread writes. */
let presentDoubles = new Float64Array(0);
let levelBytes = new Uint8Array(0);
let compressed = new Uint8Array(0);

function appendVarInt(bytes: Uint8Array, at: number, value: number): number {
  while ((value & ~0x7f) !== 0) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[at++] = value;
  return at;
}

/**
 * The definition levels of an OPTIONAL column (1 present, 0 null = NaN) in the RLE/bit-packed
 * hybrid encoding, bit width 1, exactly as hyparquet-writer's writeRleBitPackedHybrid chooses its
 * runs: a run of 8 or more equal levels is one RLE run; otherwise the next 8 levels join a
 * bit-packed group. A column without nulls is one RLE run. Returns the byte length.
 */
function writeDefinitionLevels(values: Float64Array, nulls: number, out: Uint8Array): number {
  const n = values.length;
  let at = 0;
  if (nulls === 0 && n >= 8) {
    // The common case, without the scan: one run of n ones.
    at = appendVarInt(out, at, n << 1);
    out[at++] = 1;
    return at;
  }
  let packedGroups = 0;
  let packedStart = 0;
  const flushPacked = () => {
    at = appendVarInt(out, at, (packedGroups << 1) | 1);
    for (let g = 0; g < packedGroups; g++) {
      let byte = 0;
      for (let b = 0; b < 8; b++) {
        const i = packedStart + g * 8 + b;
        if (i < n && values[i] === values[i]) byte |= 1 << b;
      }
      out[at++] = byte;
    }
    packedGroups = 0;
  };
  let i = 0;
  while (i < n) {
    const level = values[i] === values[i];
    let run = 1;
    while (i + run < n && (values[i + run] === values[i + run]) === level) run++;
    if (run >= 8) {
      if (packedGroups > 0) flushPacked();
      at = appendVarInt(out, at, run << 1);
      out[at++] = level ? 1 : 0;
      i += run;
    } else {
      if (packedGroups === 0) packedStart = i;
      packedGroups++;
      i += 8;
    }
  }
  if (packedGroups > 0) flushPacked();
  return at;
}

type ChunkStatistics = NonNullable<ColumnMetaData['statistics']> & { nan_count?: bigint };

/** hyparquet-writer's column statistics: min/max over non-null, non-NaN values, signed zero normalised. */
function statisticsOf(kind: NumericColumnKind, values: Int32Array | Float64Array): ChunkStatistics {
  let min: number | undefined;
  let max: number | undefined;
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      missing++;
      continue;
    }
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  if (min === 0) min = -0;
  if (max === 0) max = 0;
  return {
    min_value: min,
    max_value: max,
    null_count: kind === 'DOUBLE' ? BigInt(missing) : 0n,
    nan_count: kind === 'INT32' ? undefined : kind === 'DOUBLE_NAN' ? BigInt(missing) : 0n,
  };
}

/** The column's PLAIN value bytes: nulls (NaN in an OPTIONAL double column) left out. */
function plainValues(kind: NumericColumnKind, values: Int32Array | Float64Array): { bytes: Uint8Array; nulls: number } {
  if (kind === 'DOUBLE') {
    let present = 0;
    for (let i = 0; i < values.length; i++) if (values[i] === values[i]) present++;
    if (present < values.length) {
      if (presentDoubles.length < present) presentDoubles = new Float64Array(present);
      let k = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === values[i]) presentDoubles[k++] = values[i];
      return { bytes: new Uint8Array(presentDoubles.buffer, 0, present * 8), nulls: values.length - present };
    }
  }
  return { bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength), nulls: 0 };
}

/**
 * Writes `values` (one row group's rows of the column) as one column chunk at the writer's offset
 * and returns its metadata for the file footer.
 */
export function writeNumericColumnChunk(writer: Writer, name: string, kind: NumericColumnKind, values: Int32Array | Float64Array, statistics: boolean): ColumnChunk {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('writeNumericColumnChunk: PLAIN values are the array bytes only on a little-endian host');
  if (values.length > MAX_CHUNK_ROWS) throw new RangeError(`writeNumericColumnChunk: ${values.length} rows exceed one page (${MAX_CHUNK_ROWS})`);
  const n = values.length;
  const start = writer.offset;
  const { bytes, nulls } = plainValues(kind, values);
  let levelsLength = 0;
  if (kind === 'DOUBLE') {
    if (levelBytes.length < n + 16) levelBytes = new Uint8Array(n + 16);
    levelsLength = writeDefinitionLevels(values as Float64Array, nulls, levelBytes);
  }
  if (compressed.length < snappyMaxLength(bytes.length)) compressed = new Uint8Array(snappyMaxLength(bytes.length));
  const compressedLength = snappyCompressInto(bytes, compressed);
  writePageHeader(writer, {
    type: 'DATA_PAGE_V2',
    uncompressed_page_size: levelsLength + bytes.length,
    compressed_page_size: levelsLength + compressedLength,
    data_page_header_v2: {
      num_values: n,
      num_nulls: nulls,
      num_rows: n,
      encoding: 'PLAIN',
      definition_levels_byte_length: levelsLength,
      repetition_levels_byte_length: 0,
      is_compressed: true,
    },
  });
  const headerLength = writer.offset - start;
  writer.appendBytes(levelBytes.subarray(0, levelsLength));
  writer.appendBytes(compressed.subarray(0, compressedLength));
  return {
    file_offset: BigInt(start),
    meta_data: {
      type: kind === 'INT32' ? 'INT32' : 'DOUBLE',
      encodings: ['PLAIN'],
      path_in_schema: [name],
      codec: 'SNAPPY',
      num_values: BigInt(n),
      total_compressed_size: BigInt(writer.offset - start),
      total_uncompressed_size: BigInt(headerLength + levelsLength + bytes.length),
      data_page_offset: BigInt(start),
      statistics: statistics ? statisticsOf(kind, values) : undefined,
      encoding_stats: statistics ? [{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: 1 }] : undefined,
    },
  };
}
