/**
 * The invoice's print stylesheet, inlined in the document so the HTML is self-contained (the PDF
 * printer is offline, and a saved HTML file keeps its look). Logical properties only: the same rules
 * lay out the Persian (rtl) and the English/Dutch (ltr) document. Sizes in mm/pt because the target
 * is an A4 sheet, not a screen.
 */
export const DOCUMENT_CSS = `
@page { size: A4; margin: 14mm 13mm 16mm; }
*, *::before, *::after { box-sizing: border-box; }
html {
  font-family: Vazirmatn, "DejaVu Sans", sans-serif;
  font-size: 9.5pt;
  line-height: 1.55;
  color: #1f2937;
  -webkit-print-color-adjust: exact;
  print-color-adjust: exact;
}
body { margin: 0; }
h1, h2, h3, p, dl, dd { margin: 0; }
bdi.ltr { direction: ltr; unicode-bidi: isolate; }
.sheet { position: relative; }
@media screen {
  body { background: #e5e7eb; }
  .sheet { inline-size: 210mm; min-block-size: 297mm; margin: 8mm auto; padding: 14mm 13mm 16mm; background: #fff; box-shadow: 0 1px 6px rgba(0, 0, 0, 0.18); }
}

.head { display: flex; justify-content: space-between; align-items: flex-start; gap: 8mm; padding-block-end: 4mm; border-block-end: 2pt solid #0f766e; margin-block-end: 5mm; }
.brand { font-size: 14pt; font-weight: 700; color: #0f766e; }
.doc-title { font-size: 20pt; font-weight: 700; line-height: 1.25; margin-block-start: 1mm; }
.doc-sub { color: #374151; margin-block-start: 1mm; }
.meta { border-collapse: collapse; }
.meta th { text-align: start; font-weight: 400; color: #6b7280; padding-block: 0.4mm; padding-inline-end: 5mm; white-space: nowrap; }
.meta td { font-weight: 700; padding-block: 0.4mm; white-space: nowrap; }
.status { display: inline-block; padding-inline: 2.5mm; border-radius: 3mm; font-size: 8.5pt; font-weight: 700; border: 0.75pt solid currentColor; }
.status-draft, .status-void { color: #b91c1c; }
.status-paid { color: #047857; }
.status-finalized, .status-sent { color: #0f766e; }

.parties { display: grid; grid-template-columns: 1fr 1fr; gap: 5mm; margin-block-end: 4mm; }
.party { border: 0.75pt solid #d1d5db; border-radius: 2mm; padding: 3mm 4mm; break-inside: avoid; }
.party h2 { font-size: 8.5pt; font-weight: 700; color: #0f766e; margin-block-end: 1mm; }
.party .name { font-size: 11pt; font-weight: 700; }
.party dl { display: grid; grid-template-columns: max-content 1fr; column-gap: 3mm; row-gap: 0.5mm; margin-block-start: 1.5mm; }
.party dt { color: #6b7280; }
.party dd { overflow-wrap: anywhere; }

.period { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1mm 4mm; background: #f0fdfa; border-radius: 2mm; padding: 2.5mm 4mm; margin-block-end: 5mm; }
.period .label { color: #0f766e; font-weight: 700; }
.period .month { font-size: 11pt; font-weight: 700; }
.period .range { color: #374151; }
.reason { margin-block-end: 4mm; }

table { border-collapse: collapse; }
.lines { inline-size: 100%; margin-block-end: 4mm; }
.lines thead { display: table-header-group; }
.lines th { background: #0f766e; color: #fff; font-weight: 700; text-align: start; padding: 1.6mm 2mm; }
.lines td { padding: 1.6mm 2mm; border-block-end: 0.5pt solid #e5e7eb; vertical-align: top; }
.lines tr { break-inside: avoid; }
.lines .no { inline-size: 8mm; }
.lines td.no { color: #6b7280; }
.lines .detail { display: block; color: #6b7280; font-size: 8pt; }
.lines .empty { color: #6b7280; text-align: center; padding-block: 5mm; }
.num { text-align: end !important; white-space: nowrap; font-variant-numeric: tabular-nums; }
.neg { color: #b91c1c; }

.totals-wrap { display: flex; justify-content: flex-end; break-inside: avoid; }
.totals { min-inline-size: 88mm; }
.totals th { text-align: start; font-weight: 400; padding: 1.1mm 3mm; }
.totals td { text-align: end; padding: 1.1mm 3mm; white-space: nowrap; }
.totals .total th, .totals .total td { font-size: 11pt; font-weight: 700; border-block-start: 1pt solid #1f2937; }
.totals .balance th, .totals .balance td { background: #f0fdfa; font-weight: 700; }
.amounts-in { color: #6b7280; font-size: 8pt; text-align: end; margin-block-start: 1mm; }

section.block { margin-block-start: 6mm; break-inside: avoid; }
section.block h3 { font-size: 10.5pt; font-weight: 700; color: #0f766e; margin-block-end: 1.5mm; }
section.block .intro { color: #6b7280; font-size: 8pt; margin-block-end: 1.5mm; }
.grid { inline-size: 100%; }
.grid th { text-align: start; font-weight: 400; color: #6b7280; border-block-end: 0.75pt solid #d1d5db; padding: 1mm 2mm; }
.grid td { padding: 1mm 2mm; border-block-end: 0.5pt solid #f3f4f6; }
.breached { color: #b91c1c; font-weight: 700; }
.note { color: #6b7280; font-size: 8pt; margin-block-start: 1.5mm; }

.foot { margin-block-start: 8mm; padding-block-start: 3mm; border-block-start: 0.75pt solid #d1d5db; color: #4b5563; font-size: 8.5pt; break-inside: avoid; }

.watermark { position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; pointer-events: none; z-index: 10; }
.watermark span { font-size: 110pt; font-weight: 700; color: rgba(185, 28, 28, 0.11); transform: rotate(-30deg); white-space: nowrap; }
`;
