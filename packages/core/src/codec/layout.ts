/**
 * A binary layout: the ordered fields of one record version. Layouts are frozen once released:
 * a change of fields makes a new version with its own layout (see docs/schema-evolution.md).
 *
 * Encodings (all little-endian):
 * - `f64`: IEEE-754 double, 8 bytes. `i64`: a safe integer as int64, 8 bytes.
 * - `u32`/`u16`/`u8`: unsigned integers. `bool`: one byte, 0 or 1 (anything else is corrupt).
 * - `{ enum }`: one byte, the value's index in the list.
 * - `str`: u16 byte length, then UTF-8 bytes.
 * - `{ group }`: u16 element count, then each element in the group's layout.
 * - `{ record }`: the nested record's layout inline.
 * Optional fields cost one presence bit (a bitmap of ceil(n/8) bytes leads each record that has
 * any) and no bytes when absent.
 */
export type FieldType =
  | 'f64'
  | 'i64'
  | 'u32'
  | 'u16'
  | 'u8'
  | 'bool'
  | 'str'
  | { readonly enum: readonly string[] }
  | { readonly group: Layout }
  | { readonly record: Layout };

/** One field of a {@link Layout}. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly optional?: boolean;
}

/** The ordered fields of one record version. */
export type Layout = readonly FieldSpec[];

/** A required field. */
export function req(name: string, type: FieldType): FieldSpec {
  return { name, type };
}

/** An optional field. */
export function opt(name: string, type: FieldType): FieldSpec {
  return { name, type, optional: true };
}

/** An enum field type over `values` (their index is the encoding: append only). */
export function enumOf(values: readonly string[]): FieldType {
  return { enum: values };
}

/** A repeated group of records. */
export function groupOf(layout: Layout): FieldType {
  return { group: layout };
}

/** A nested record. */
export function recordOf(layout: Layout): FieldType {
  return { record: layout };
}

/** Bytes a fixed-size field type occupies, or `undefined` for variable-size types. */
export function fixedSize(type: FieldType): number | undefined {
  switch (type) {
    case 'f64':
    case 'i64':
      return 8;
    case 'u32':
      return 4;
    case 'u16':
      return 2;
    case 'u8':
    case 'bool':
      return 1;
    case 'str':
      return undefined;
    default:
      return 'enum' in type ? 1 : undefined;
  }
}

/** The top-level field names of a layout (used to check a layout covers its schema). */
export function layoutFieldNames(layout: Layout): string[] {
  return layout.map((f) => f.name);
}
