#!/usr/bin/env bash
# Regenerate the Grafana 11 JSON Schemas in this folder from the TypeScript types that Grafana
# publishes in the npm package @grafana/schema. Needs node >= 18 and npm (the npm registry only).
# Usage: schemas/grafana/generate.sh        (writes *.schema.json beside this script)
set -euo pipefail

GRAFANA_SCHEMA_VERSION=11.6.16          # @grafana/schema: newest 11.x release (schemaVersion 41)
GENERATOR_VERSION=2.4.0                 # ts-json-schema-generator: newest release that runs on node 18/20

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --save-exact \
    "@grafana/schema@${GRAFANA_SCHEMA_VERSION}" "ts-json-schema-generator@${GENERATOR_VERSION}" >/dev/null

raw=node_modules/@grafana/schema/dist/esm/raw
generate() {  # generate SOURCE_D_TS TYPE OUT
    npx --no-install ts-json-schema-generator --path "$1" --type "$2" --jsDoc extended -o "$here/$3"
}
# The dashboard model (strict: additionalProperties false everywhere the TS interfaces are closed).
generate "$raw/dashboard/x/dashboard_types.gen.d.ts" Dashboard dashboard.schema.json
# Panel plugin models used by the war-room dashboard: panel.options and fieldConfig.defaults.custom
# are open records in the dashboard model, so the tests check them against these.
generate "$raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.d.ts" Options timeseries.options.schema.json
generate "$raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen.d.ts" FieldConfig timeseries.fieldconfig.schema.json
generate "$raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen.d.ts" Options stat.options.schema.json
echo "node $(node --version), npm $(npm --version); installed:"
npm ls --depth=0
