/**
 * deploy/Dockerfile and deploy/docker-compose.yaml. No Docker engine runs in CI, so the image is
 * not built: the Dockerfile is checked for what the deployment relies on (a binary per target
 * platform, non-root, a health check on /readyz that needs no shell), and the compose file is
 * parsed and checked (GreptimeDB standalone with HTTP 4000 and PostgreSQL 4003 and a volume, the
 * config mounted, the orchestrator waiting for the databases). `docker compose config` validates
 * it too when the compose plugin is installed.
 */
import { describe, expect, it } from 'bun:test'
import { join, resolve } from 'node:path'
import YAML from 'yaml'

const ROOT = resolve(import.meta.dir, '../..')
const DOCKERFILE = join(ROOT, 'deploy/Dockerfile')
const COMPOSE = join(ROOT, 'deploy/docker-compose.yaml')

async function composePlugin(): Promise<boolean> {
  if (!Bun.which('docker')) return false
  const child = Bun.spawn(['docker', 'compose', 'version'], { stdout: 'ignore', stderr: 'ignore' })
  return (await child.exited) === 0
}
const hasCompose = await composePlugin()
if (!hasCompose) console.warn('docker compose config skipped: the docker compose plugin is not installed')

describe('the Dockerfile', async () => {
  const text = await Bun.file(DOCKERFILE).text()
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
  const final = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')))

  it('copies the binary of each target platform, chosen without running anything', () => {
    expect(text).toContain('COPY dist/alert-orchestrator-linux-x64 /alert-orchestrator')
    expect(text).toContain('COPY dist/alert-orchestrator-linux-arm64 /alert-orchestrator')
    expect(instructions).toContain('FROM scratch AS binary-amd64')
    expect(instructions).toContain('FROM scratch AS binary-arm64')
    expect(instructions).toContain('FROM binary-${TARGETARCH} AS binary')
    expect(instructions[0]).toBe('ARG TARGETARCH') // global, so FROM can use it
    // a RUN in a target-platform stage would need emulation for the other architecture
    const runStages = instructions.filter((line) => line.startsWith('FROM ') && instructions[instructions.indexOf(line) + 1]?.startsWith('RUN'))
    for (const stage of runStages) expect(stage).toContain('--platform=$BUILDPLATFORM')
  })

  it('runs as a non-root user on a runtime image that holds the binary', () => {
    expect(final[0]).toMatch(/^FROM gcr\.io\/distroless\/cc-debian12:nonroot$/)
    expect(final).toContain('USER 65532:65532')
    expect(final).toContain('ENTRYPOINT ["/usr/local/bin/alert-orchestrator"]')
    expect(final.some((line) => line.startsWith('COPY --from=binary') && line.endsWith('/usr/local/bin/alert-orchestrator'))).toBe(true)
    expect(final).toContain('STOPSIGNAL SIGTERM')
  })

  it('checks health on /readyz in exec form (the image has no shell)', () => {
    const check = final.find((line) => line.startsWith('HEALTHCHECK'))
    expect(check).toBeDefined()
    expect(check).toMatch(/CMD \[.*"http:\/\/127\.0\.0\.1:9808\/readyz"\]$/)
    expect(check).not.toMatch(/CMD-SHELL|CMD (?!\[)/)
  })
})

describe('the compose file', async () => {
  const compose = YAML.parse(await Bun.file(COMPOSE).text())
  const services = compose.services

  it('runs GreptimeDB standalone with HTTP on 4000, PostgreSQL on 4003 and a volume', () => {
    const greptime = services.greptimedb
    expect(greptime.image).toMatch(/^greptime\/greptimedb:/)
    expect(greptime.command.slice(0, 2)).toEqual(['standalone', 'start'])
    expect(greptime.command).toContain('--http-addr=0.0.0.0:4000')
    expect(greptime.command).toContain('--postgres-addr=0.0.0.0:4003')
    expect(greptime.ports).toEqual(['127.0.0.1:4000:4000', '127.0.0.1:4003:4003'])
    const [volume] = greptime.volumes[0].split(':')
    expect(Object.keys(compose.volumes)).toContain(volume)
    expect(greptime.command).toContain(`--data-home=${greptime.volumes[0].split(':')[1]}`)
  })

  it('runs the orchestrator with its config mounted, after the databases exist', async () => {
    const orchestrator = services['alert-orchestrator']
    expect(orchestrator.build).toEqual({ context: '..', dockerfile: 'deploy/Dockerfile' })
    expect(orchestrator.volumes).toContain('./compose/config.yaml:/etc/alert-orchestrator/config.yaml:ro')
    expect(orchestrator.depends_on['greptimedb-init'].condition).toBe('service_completed_successfully')
    expect(services['greptimedb-init'].depends_on.greptimedb.condition).toBe('service_healthy')
    expect(orchestrator.stop_grace_period).toBe('30s')
    const config = YAML.parse(await Bun.file(join(ROOT, 'deploy', './compose/config.yaml')).text())
    expect(config.data.databases.greptime).toMatchObject({ host: 'greptimedb', port: 4003, database: 'liqwid' })
    expect(config.runtime.telemetry).toMatchObject({ listen_address: '0.0.0.0', listen_port: 9808 })
    const init = services['greptimedb-init'].command.join(' ')
    for (const database of [config.data.databases.greptime.database, config.data.datasets.transactions.sources.minswap.database])
      expect(init).toContain(database)
  })

  it('is a configuration the orchestrator accepts', async () => {
    const { loadConfigFile } = await import('../../src/config/load.ts')
    const env = { LIQWID_MAIN_WALLET_ADDRESS: 'addr1qtest', LIQWID_WALLET_OTHER_ADDRESS: 'addr1qother' }
    expect(() => loadConfigFile(join(ROOT, 'deploy/compose/config.yaml'), env)).not.toThrow()
  })

  it.skipIf(!hasCompose)('passes docker compose config', async () => {
    const child = Bun.spawn(['docker', 'compose', '-f', COMPOSE, 'config', '--quiet'], {
      env: { ...process.env, LIQWID_MAIN_WALLET_ADDRESS: 'addr1qtest', LIQWID_WALLET_OTHER_ADDRESS: 'addr1qother' },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited])
    expect(code, stderr).toBe(0)
  })
})
