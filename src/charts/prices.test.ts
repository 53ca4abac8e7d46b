import { describe, expect, it } from 'bun:test'
import { priceFixture } from '../../tests/charts/fixtures.ts'
import { priceScene } from './prices.ts'

const texts = (scene: ReturnType<typeof priceScene>) => JSON.stringify(scene.texts)

describe('price chart', () => {
  const base = priceFixture()
  const named = { ...base, sources: base.sources.map((s) => ({ ...s, source: s.source.includes('liqwid') ? 'Liqwid' : 'Minswap' })), latest: [] }

  it('draws the band around each point of the reference and a panel of the difference against ±tolerance', () => {
    const scene = priceScene({
      ...named,
      tolerance: undefined,
      toleranceAround: { source: 'Liqwid', mode: 'relative', epsilon: 0.001, label: 'Agrees with Liqwid (±0.10 %)' },
    })
    expect(texts(scene)).toContain('vs Liqwid (%)')
    expect(texts(scene)).toContain('±0.10 % agrees')
    expect(texts(scene)).toContain('Agrees with Liqwid (±0.10 %)')
  })

  it('keeps one panel without a reference to compare with', () => {
    const scene = priceScene({ ...named, toleranceAround: { source: 'Kraken', mode: 'relative', epsilon: 0.001, label: 'x' } })
    expect(texts(scene)).not.toContain('vs Kraken')
  })
})
