// The formatting helpers moved to the report layer (the HTML report and the CLI use them too).
export { formatValue, roundForDisplay, formatScore, formatInterval, table } from '../report/format.js'
