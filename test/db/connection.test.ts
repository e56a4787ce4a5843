import { databaseNameIn, redactUri } from '../../src/db/connection';

describe('database URIs', () => {
  it('use the database named in the URI, else the default', () => {
    expect(databaseNameIn('mongodb://127.0.0.1:27017/city_training')).toBe('city_training');
    expect(databaseNameIn('mongodb+srv://user:p%40ss@cluster.example.net/liaise_prod?retryWrites=true')).toBe('liaise_prod');
    expect(databaseNameIn('mongodb://127.0.0.1:27017/')).toBeUndefined();
    expect(databaseNameIn('mongodb://127.0.0.1:27017')).toBeUndefined();
    expect(databaseNameIn('mongodb://a:1,b:2/?replicaSet=rs0')).toBeUndefined();
  });

  it('never log a password', () => {
    expect(redactUri('mongodb://liaise:s3cret@db.example.eu:27017/liaise')).toBe('mongodb://***@db.example.eu:27017/liaise');
  });
});
