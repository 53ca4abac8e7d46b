import { defineSyncScenarios } from './scenarios.ts'
import { memoryHarness } from './memory-ports.ts'

defineSyncScenarios('in memory', memoryHarness)
