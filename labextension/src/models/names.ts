/** How providers are called in the UI (their ids are the API's). */
const NAMES: Record<string, string> = {
  builtin: 'Built-in model',
  ollama: 'Ollama',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  gemini: 'Google Gemini',
  deepseek: 'DeepSeek',
  qwen: 'Qwen',
  mistral: 'Mistral',
  huggingface: 'Hugging Face',
  openrouter: 'OpenRouter'
};

export function displayName(id: string): string {
  return NAMES[id] ?? id;
}
