/** Query parameters whose values are never secret (pagination, search): logged as sent. */
const PLAIN_PARAMETERS = new Set(['limit', 'before', 'since', 'query']);

/**
 * The URL as it may be logged: the path, and the query with every value redacted but those of
 * PLAIN_PARAMETERS, so that a token or password someone put into a URL never reaches the logs.
 */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const redacted = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const [name = '', value] = pair.split(/=(.*)/s, 2);
      if (value === undefined) return name;
      return PLAIN_PARAMETERS.has(name) ? pair : `${name}=[redacted]`;
    });
  return `${url.slice(0, queryStart)}?${redacted.join('&')}`;
}
