// Runs the first work chain of the README (sum-of-squares.ts) and prints its outputs.
import { SumOfSquares } from './sum-of-squares.js'

const outputs = await SumOfSquares.create({ n: 10 }).execute()
console.log(outputs) // { total: 285 }
