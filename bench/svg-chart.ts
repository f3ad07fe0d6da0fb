/** A small grouped bar chart as standalone SVG: one group per figure, one bar per server, bars relative to a reference. */

export interface ChartGroup {
  /** e.g. "CPU per 1k tokens (lower is better)" */
  label: string
  /** One value per series, in series order; drawn relative to series `reference`. */
  values: number[]
  /** How to print a value above its bar. */
  format: (value: number) => string
}

export interface Chart {
  title: string
  series: string[]
  reference: number
  groups: ChartGroup[]
}

const COLORS = ['#2f6fdf', '#9aa3ad', '#3c3f44', '#e0873a']

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function renderChart(chart: Chart): string {
  const barWidth = 34
  const gap = 10
  const groupWidth = chart.series.length * barWidth + 60
  const plotHeight = 180
  const top = 60
  const left = 20
  const width = left * 2 + chart.groups.length * groupWidth
  const height = top + plotHeight + 70
  const ratios = chart.groups.map((g) => g.values.map((v) => v / g.values[chart.reference]!))
  const maxRatio = Math.max(1, ...ratios.flat().filter(Number.isFinite))
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escape(chart.title)}</text>`,
  ]
  chart.series.forEach((name, i) => {
    const x = left + i * 240
    parts.push(`<rect x="${x}" y="32" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${x + 16}" y="42">${escape(name)}</text>`)
  })
  const baseline = top + plotHeight
  const referenceY = baseline - plotHeight / maxRatio
  parts.push(`<line x1="${left}" x2="${width - left}" y1="${referenceY}" y2="${referenceY}" stroke="#c33" stroke-dasharray="4 3"/>`)
  parts.push(`<text x="${width - left}" y="${referenceY - 3}" text-anchor="end" fill="#c33">×1 = ${escape(chart.series[chart.reference]!)}</text>`)
  chart.groups.forEach((group, g) => {
    const x0 = left + g * groupWidth + 20
    group.values.forEach((value, i) => {
      const ratio = ratios[g]![i]!
      const h = Number.isFinite(ratio) ? (ratio / maxRatio) * plotHeight : 0
      const x = x0 + i * barWidth
      parts.push(`<rect x="${x}" y="${baseline - h}" width="${barWidth - gap / 2}" height="${h}" fill="${COLORS[i % COLORS.length]}"/>`)
      parts.push(`<text x="${x + (barWidth - gap / 2) / 2}" y="${baseline - h - 3}" text-anchor="middle" font-size="9">${escape(group.format(value))}</text>`)
    })
    const words = group.label.split(' (')
    parts.push(`<text x="${x0 + (chart.series.length * barWidth) / 2}" y="${baseline + 16}" text-anchor="middle">${escape(words[0]!)}</text>`)
    if (words[1]) parts.push(`<text x="${x0 + (chart.series.length * barWidth) / 2}" y="${baseline + 30}" text-anchor="middle" fill="#666">(${escape(words[1])}</text>`)
  })
  parts.push(`<line x1="${left}" x2="${width - left}" y1="${baseline}" y2="${baseline}" stroke="#333"/>`, '</svg>', '')
  return parts.join('\n')
}
