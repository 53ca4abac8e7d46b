/**
 * Scene → SVG → PNG, in the calling thread. `createChartRenderer` (renderer.ts) runs these same
 * functions in a worker; tests and the benchmark call them directly.
 *
 * The fonts and resvg's wasm are embedded files (`with { type: 'file' }`), so a compiled binary
 * carries them, and they are loaded once per thread on first use.
 *
 * Composition: satori lays out and shapes the text layer; the plot layer is our own SVG, placed
 * in the same document *under* the text rather than handed to satori as an inline `<svg>`,
 * because satori turns an inline `<svg>` into a nested `<image>` and resvg rasterises nested
 * images through an intermediate canvas: 70–120 ms instead of ~15 ms for the same polylines.
 */

import interGreek400 from '@fontsource/inter/files/inter-greek-400-normal.woff' with { type: 'file' }
import interGreek700 from '@fontsource/inter/files/inter-greek-700-normal.woff' with { type: 'file' }
import interLatin400 from '@fontsource/inter/files/inter-latin-400-normal.woff' with { type: 'file' }
import interLatin700 from '@fontsource/inter/files/inter-latin-700-normal.woff' with { type: 'file' }
import resvgWasm from '@resvg/resvg-wasm/index_bg.wasm' with { type: 'file' }
import { Resvg, initWasm } from '@resvg/resvg-wasm'
import satori, { type Font } from 'satori'
import { diagnosticScene } from './diagnostic.ts'
import { encodePng } from './png.ts'
import { priceScene } from './prices.ts'
import type { Scene } from './scene.ts'
import { textLayer } from './text.ts'
import { FONT_FAMILY, FONT_FAMILY_GREEK, useLook } from './theme.ts'
import { timelineScene } from './timeline.ts'
import type { DiagnosticChartInput, PriceChartInput, TimelineChartInput } from './types.ts'

interface Runtime {
  readonly fonts: Font[]
}

let runtime: Promise<Runtime> | null = null

async function loadRuntime(): Promise<Runtime> {
  const read = (path: string) => Bun.file(path).arrayBuffer()
  const [wasm, latin400, latin700, greek400, greek700] = await Promise.all([
    read(resvgWasm),
    read(interLatin400),
    read(interLatin700),
    read(interGreek400),
    read(interGreek700),
  ])
  await initWasm(wasm)
  return {
    fonts: [
      { name: FONT_FAMILY, data: latin400, weight: 400, style: 'normal' },
      { name: FONT_FAMILY, data: latin700, weight: 700, style: 'normal' },
      { name: FONT_FAMILY_GREEK, data: greek400, weight: 400, style: 'normal' },
      { name: FONT_FAMILY_GREEK, data: greek700, weight: 700, style: 'normal' },
    ],
  }
}

/** Loads fonts and wasm once per thread; a failed load is retried on the next call. */
export function ensureChartRuntime(): Promise<Runtime> {
  runtime ??= loadRuntime().catch((error: unknown) => {
    runtime = null
    throw error
  })
  return runtime
}

/** The whole chart as one SVG document: plot layer first, satori's text layer on top. */
export async function sceneToSvg(scene: Scene): Promise<string> {
  const { fonts } = await ensureChartRuntime()
  const text = await satori(textLayer(scene.width, scene.height, scene.texts) as never, { width: scene.width, height: scene.height, fonts })
  const bodyStart = text.indexOf('>') + 1
  const bodyEnd = text.lastIndexOf('</svg>')
  const body = bodyStart > 0 && bodyEnd > bodyStart ? text.slice(bodyStart, bodyEnd) : ''
  const { width, height } = scene
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${scene.shapes.join('')}${body}</svg>`
}

/** Rasterises an SVG document; the scene always paints an opaque background, so alpha is 255 throughout. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  await ensureChartRuntime()
  const resvg = new Resvg(svg, { fitTo: { mode: 'original' } })
  try {
    const image = resvg.render()
    try {
      return encodePng(image.width, image.height, image.pixels)
    } finally {
      image.free()
    }
  } finally {
    resvg.free()
  }
}

export function renderDiagnosticSvg(input: DiagnosticChartInput): Promise<string> {
  useLook(input)
  return sceneToSvg(diagnosticScene(input))
}

export async function renderDiagnosticPng(input: DiagnosticChartInput): Promise<Uint8Array> {
  return svgToPng(await renderDiagnosticSvg(input))
}

export function renderPricesSvg(input: PriceChartInput): Promise<string> {
  useLook(input)
  return sceneToSvg(priceScene(input))
}

export async function renderPricesPng(input: PriceChartInput): Promise<Uint8Array> {
  return svgToPng(await renderPricesSvg(input))
}

export function renderTimelineSvg(input: TimelineChartInput): Promise<string> {
  useLook(input)
  return sceneToSvg(timelineScene(input))
}

export async function renderTimelinePng(input: TimelineChartInput): Promise<Uint8Array> {
  return svgToPng(await renderTimelineSvg(input))
}
