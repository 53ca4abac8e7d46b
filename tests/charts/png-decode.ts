/**
 * A small, independent PNG decoder for the chart tests: checks the signature and every chunk's
 * CRC, reads IHDR, inflates the IDAT stream with node:zlib, checks its length and undoes the
 * scanline filters, so tests can look at actual pixels.
 */

import { crc32, inflateSync } from 'node:zlib'

export interface DecodedPng {
  readonly width: number
  readonly height: number
  readonly bitDepth: number
  readonly colorType: number
  /** straight RGBA, row-major */
  readonly pixels: Uint8Array
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

export function decodePng(bytes: Uint8Array): DecodedPng {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('not a PNG signature')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 8
  let header: { width: number; height: number; bitDepth: number; colorType: number } | null = null
  const idat: Uint8Array[] = []
  let ended = false
  while (offset < bytes.length) {
    const length = view.getUint32(offset)
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    const crc = view.getUint32(offset + 8 + length)
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`)
    if (type === 'IHDR') header = { width: view.getUint32(offset + 8), height: view.getUint32(offset + 12), bitDepth: data[8]!, colorType: data[9]! }
    if (type === 'IDAT') idat.push(data)
    if (type === 'IEND') ended = true
    offset += 12 + length
  }
  if (!header) throw new Error('no IHDR')
  if (!ended) throw new Error('no IEND')
  if (header.bitDepth !== 8 || header.colorType !== 6) throw new Error(`unsupported PNG: depth ${header.bitDepth} colour type ${header.colorType}`)

  const { width, height } = header
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * 4
  if (raw.length !== height * (1 + stride)) throw new Error(`IDAT inflates to ${raw.length} bytes, expected ${height * (1 + stride)}`)

  const pixels = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    const out = pixels.subarray(y * stride, (y + 1) * stride)
    const prior = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride)
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? out[i - 4]! : 0
      const b = prior[i]!
      const c = i >= 4 ? prior[i - 4]! : 0
      const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : paeth(a, b, c)
      out[i] = (row[i]! + predictor) & 0xff
    }
  }
  return { ...header, pixels }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c
  const pa = Math.abs(p - a)
  const pb = Math.abs(p - b)
  const pc = Math.abs(p - c)
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
}

/** How many pixels are within `tolerance` (per channel) of a #rrggbb colour. */
export function countColor(png: DecodedPng, hex: string, tolerance = 24): number {
  const r = parseInt(hex.slice(1, 3), 16)
  const g = parseInt(hex.slice(3, 5), 16)
  const b = parseInt(hex.slice(5, 7), 16)
  let count = 0
  for (let i = 0; i < png.pixels.length; i += 4) {
    if (Math.abs(png.pixels[i]! - r) <= tolerance && Math.abs(png.pixels[i + 1]! - g) <= tolerance && Math.abs(png.pixels[i + 2]! - b) <= tolerance)
      count++
  }
  return count
}
