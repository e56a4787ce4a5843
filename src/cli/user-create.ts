import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ROLES } from '../accounts/model';
import { emailField } from '../accounts/schemas';
import { createAccountByOperator } from '../accounts/service';
import { AppError } from '../http/errors';
import { runWithDatabase } from './run-with-database';

const USAGE = 'usage: npm run user:create -- --email EMAIL --role ROLE [--role ROLE…] [--name NAME] [--password PASSWORD]';

/** Asks for the password on the terminal without echoing it. */
function promptPassword(question: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const write = (terminal as unknown as { _writeToOutput: (text: string) => void })._writeToOutput.bind(terminal);
    (terminal as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
      write(text.startsWith(question) ? text : '');
    };
    terminal.question(question, (answer) => {
      terminal.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

const argumentsSchema = z.object({
  email: emailField,
  role: z.array(z.enum(ROLES)).min(1),
  name: z.string().trim().min(1).max(120).optional(),
  password: z.string().optional(),
});

/** The options, or the usage and exit 2 for an unknown one (`--help` included): no stack trace for a typo. */
function readOptions() {
  try {
    return parseArgs({
      options: {
        email: { type: 'string' },
        role: { type: 'string', multiple: true },
        name: { type: 'string' },
        password: { type: 'string' },
      },
    }).values;
  } catch (error) {
    console.error(`${USAGE}\n  ${(error as Error).message}`);
    process.exit(2);
  }
}

async function main() {
  const values = readOptions();
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`${USAGE}\n${parsed.error.issues.map((issue) => `  --${String(issue.path[0])}: ${issue.message}`).join('\n')}`);
    process.exit(2);
  }
  const { email, role, name, password: given } = parsed.data;
  const password = given ?? (process.stdin.isTTY ? await promptPassword('Password (12+ characters): ') : '');
  if (!password) {
    console.error('No password: pass --password or run the command in a terminal to be asked for one.');
    process.exit(2);
  }

  await runWithDatabase(async ({ log }) => {
    try {
      const user = await createAccountByOperator({ email, name: name ?? email.split('@')[0]!, roles: role, password });
      console.log(`created ${user.email} (${user.roles.join(', ')}), id ${user.id}`);
    } catch (error) {
      if (error instanceof AppError) {
        const details = (error.fieldErrors ?? []).map((field) => `${field.path}: ${field.key ?? field.message}`).join('; ');
        log.error(`not created: ${error.code}${details ? ` (${details})` : ''}`);
        throw error;
      }
      throw error;
    }
  });
}

void main();
