import type { PlaygroundAnswer } from '@switchboard/core/contracts/playground';
import { ExchangeView, progressLine } from './exchange-view.tsx';

type Block = Record<string, unknown> & { type?: string };
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function ContentBlock({ block }: { block: Block }) {
  switch (block.type) {
    case 'text':
      return <pre className="result-text">{str(block.text)}</pre>;
    case 'image':
      return <img className="result-image" alt="Tool result" src={`data:${str(block.mimeType)};base64,${str(block.data)}`} />;
    case 'audio':
      // biome-ignore lint/a11y/useMediaCaption: tool output has no captions
      return <audio controls src={`data:${str(block.mimeType)};base64,${str(block.data)}`} />;
    case 'resource': {
      const resource = (block.resource ?? {}) as Block;
      return (
        <div className="result-resource">
          <div className="muted small">
            Resource <code>{str(resource.uri)}</code> {str(resource.mimeType)}
          </div>
          {resource.text !== undefined ? <pre className="result-text">{str(resource.text)}</pre> : <span className="muted small">binary ({str(resource.blob).length} base64 characters)</span>}
        </div>
      );
    }
    case 'resource_link':
      return (
        <div className="result-resource">
          Link to <code>{str(block.uri)}</code> {str(block.name)}
        </div>
      );
    default:
      return <pre className="result-text">{JSON.stringify(block, null, 2)}</pre>;
  }
}

/** A resource's contents (resources/read): text shown, binary described. */
function ResourceContents({ contents }: { contents: Block[] }) {
  return contents.map((c, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: contents are an ordered list without ids
    <ContentBlock key={i} block={{ type: 'resource', resource: c }} />
  ));
}

/** A prompt's messages (prompts/get), each with its role. */
function PromptMessages({ messages }: { messages: Array<{ role?: string; content?: Block }> }) {
  return (
    <ol className="prompt-messages" aria-label="Prompt messages">
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are an ordered list without ids
        <li key={i}>
          <div className="schema-label">{m.role}</div>
          <ContentBlock block={m.content ?? {}} />
        </li>
      ))}
    </ol>
  );
}

/**
 * A playground answer: a tool's content blocks (text, images, audio, resources) and
 * structured output, a prompt's messages or a resource's contents; errors; the progress
 * reported; and the raw JSON-RPC exchange.
 */
export function ResultView({ result }: { result: PlaygroundAnswer }) {
  const progress = progressLine(result.exchange);
  if (result.error) {
    return (
      <div className="result failed" role="status" aria-label="Call result">
        <div className="result-head">
          <span className="pill bad">{result.outcome.replace('_', ' ')}</span> <span className="muted small">{result.durationMs} ms</span>
        </div>
        <p>
          {result.error.message} <code className="error-code">{result.error.code}</code>
        </p>
        <ExchangeView exchange={result.exchange} />
      </div>
    );
  }
  const body = result.result ?? {};
  const content = Array.isArray(body.content) ? (body.content as Block[]) : [];
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: string; content?: Block }>) : null;
  const contents = Array.isArray(body.contents) ? (body.contents as Block[]) : null;
  const isError = result.outcome === 'tool_error';
  return (
    <div className={`result ${isError ? 'tool-error' : 'ok'}`} role="status" aria-label="Call result">
      <div className="result-head">
        <span className={`pill ${isError ? 'warn' : 'on'}`}>{isError ? 'tool error' : 'ok'}</span> <span className="muted small">{result.durationMs} ms</span>
      </div>
      {progress && <p className="small progress-line">Progress: {progress}</p>}
      {content.map((block, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: content blocks are an ordered list without ids
        <ContentBlock key={i} block={block} />
      ))}
      {messages && <PromptMessages messages={messages} />}
      {contents && <ResourceContents contents={contents} />}
      {body.structuredContent !== undefined && (
        <div>
          <div className="schema-label">structuredContent</div>
          <pre className="result-text">{JSON.stringify(body.structuredContent, null, 2)}</pre>
        </div>
      )}
      {content.length === 0 && !messages && !contents && body.structuredContent === undefined && <pre className="result-text">{JSON.stringify(body, null, 2)}</pre>}
      <ExchangeView exchange={result.exchange} />
    </div>
  );
}
