/**
 * The benchmark's one table: notes on top, then sections of rows `measure | value | goal | status`.
 */

type Line = { kind: 'section'; title: string } | { kind: 'row'; measure: string; value: string; goal: string; ok: boolean | null }

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const ms = (value: number): string => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`)
export const mb = (value: number): string => `${value.toFixed(0)} MB`

export class Table {
  private readonly notes: string[] = []
  private readonly lines: Line[] = []

  note(text: string): void {
    this.notes.push(text)
  }

  section(title: string): void {
    this.lines.push({ kind: 'section', title })
  }

  row(measure: string, value: string, goal = '', ok: boolean | null = null): void {
    this.lines.push({ kind: 'row', measure, value, goal, ok })
  }

  render(): string {
    const rows = this.lines.filter((line): line is Extract<Line, { kind: 'row' }> => line.kind === 'row')
    const width = (pick: (row: Extract<Line, { kind: 'row' }>) => string, header: string) =>
      Math.max(header.length, ...rows.map((row) => pick(row).length))
    const titles = this.lines.map((line) => (line.kind === 'section' ? `**${line.title}**`.length : 0))
    const w = [
      Math.max(
        width((r) => r.measure, 'measure'),
        ...titles,
      ),
      width((r) => r.value, 'value'),
      width((r) => r.goal, 'goal'),
    ]
    const format = (cells: string[]) => `| ${cells.map((cell, i) => (i < 3 ? cell.padEnd(w[i]!) : cell.padEnd(6))).join(' | ')} |`
    const rule = `|${[...w, 6].map((n) => '-'.repeat(n + 2)).join('|')}|`
    const out = [...this.notes.map((note) => `# ${note}`), '', format(['measure', 'value', 'goal', 'status']), rule]
    for (const line of this.lines) {
      if (line.kind === 'section') out.push(format([`**${line.title}**`, '', '', '']))
      else out.push(format([line.measure, line.value, line.goal, line.ok === null ? '' : line.ok ? 'met' : 'MISSED']))
    }
    return out.join('\n')
  }
}
