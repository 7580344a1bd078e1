// `hashpivot validate`: check a scenario and list every problem.
import { loadScenario } from '../../scenarios/load.js';
import { formatWarnings, scenarioWarnings } from '../../scenarios/scenarioWarnings.js';
import { parseCommandLine, UsageError } from '../cliArgs.js';
import { resolveModelInputs } from '../modelInputs.js';
import { prepareProcessModule } from '../processModule.js';
import { writeErr, writeOut } from '../terminal.js';

export async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine({ args, allowPositionals: true, options: { set: { type: 'string', multiple: true }, 'process-module': { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('validate takes one scenario file (or - for stdin)');
  const scenario = loadScenario(positionals[0], { set: values.set });
  const module = values['process-module'];
  // The module, when named, is loaded and checked as run would: its name, its parameters, probe trials.
  if (module !== undefined) await prepareProcessModule(scenario, module);
  // The files the scenario names (a policy to apply, a price history to resample), read and
  // checked against it as run reads them: valid means run will accept it.
  await resolveModelInputs(scenario);
  const price = scenario.market.price;
  const processNote =
    price.model !== 'custom' || price.custom === undefined
      ? ''
      : module === undefined
        ? `; its price process ${price.custom.process} is not checked: pass --process-module FILE`
        : `; price process ${price.custom.process} from ${module} checked`;
  const warnings = scenarioWarnings(scenario);
  const count = warnings.length === 0 ? '' : `, with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
  writeOut(`${positionals[0]}: valid (${scenario.name}, ${scenario.strategies.length} strategies${processNote})${count}\n`);
  if (warnings.length > 0) writeErr(formatWarnings(positionals[0], warnings));
  return 0;
}
